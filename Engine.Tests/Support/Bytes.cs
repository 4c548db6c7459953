using System.Text;

namespace SlateFast.Tests.Support;

/// <summary>
/// Keys and values written as text in tests: <c>B("k")</c> is the UTF-8 bytes of "k", <c>S(bytes)</c>
/// the text back. Imported into every test file (see Engine.Tests.csproj).
/// </summary>
public static class Bytes
{
    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static string S(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}
