using System.Globalization;
using System.Text;

namespace SlateFast.Tests.Crash;

/// <summary>
/// One key the crash writer reported: <c>ack &lt;key&gt; &lt;value&gt;</c> (durable) or
/// <c>commit &lt;seq&gt; &lt;key&gt; &lt;value&gt;</c> (not durable), with the task, op number and
/// part decoded from the workload's key layout <c>crash/&lt;seed&gt;/t&lt;task&gt;/&lt;n&gt;/&lt;part&gt;</c>.
/// </summary>
public sealed record CrashRecord(ulong? Seq, byte[] Key, byte[] Value, int Task, long Op, int Part)
{
    public string KeyText => Encoding.UTF8.GetString(Key);

    public static CrashRecord Parse(string line)
    {
        var words = line.Split(' ');
        var (seq, keyHex, valueHex) = words switch
        {
            ["ack", var k, var v] => ((ulong?)null, k, v),
            ["commit", var s, var k, var v] => (ulong.Parse(s, CultureInfo.InvariantCulture), k, v),
            _ => throw new FormatException($"not an ack or commit line: '{line}'"),
        };
        var key = Convert.FromHexString(keyHex);
        var parts = Encoding.UTF8.GetString(key).Split('/');
        if (parts is not ["crash", _, ['t', ..] task, var op, var part])
        {
            throw new FormatException($"not a crash workload key: '{line}'");
        }

        return new CrashRecord(
            seq,
            key,
            Convert.FromHexString(valueHex),
            int.Parse(task.AsSpan(1), CultureInfo.InvariantCulture),
            long.Parse(op, CultureInfo.InvariantCulture),
            int.Parse(part, CultureInfo.InvariantCulture));
    }
}
