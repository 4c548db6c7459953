namespace SlateFast.Tests.Interop;

/// <summary>Assertions over rows reported by SlateDB.</summary>
internal static class RowAssert
{
    public static void StrictlyAscending(IReadOnlyList<SlateDbRow> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(
                rows[i - 1].Key.AsSpan().SequenceCompareTo(rows[i].Key) < 0,
                $"keys not strictly ascending at {i}: {Convert.ToHexString(rows[i - 1].Key)} then {Convert.ToHexString(rows[i].Key)}");
        }
    }

    /// <summary>Key/value pairs as hex, for comparisons that ignore seq and timestamps.</summary>
    public static IReadOnlyList<(string Key, string Value)> KeyValues(IEnumerable<SlateDbRow> rows) =>
        [.. rows.Select(r => (Convert.ToHexString(r.Key), Convert.ToHexString(r.Value)))];

    public static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
