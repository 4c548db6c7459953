using System.Globalization;
using System.Text;

namespace SlateFast.Fuzz;

/// <summary>
/// Records each finding as the raw input (<c>.bin</c>, the reproducer) and a report (<c>.txt</c>)
/// with the failure, a hex dump and the command that replays it.
/// </summary>
internal sealed class FindingWriter(string folder)
{
    private int _count;

    public string Folder => folder;

    public int Count => _count;

    public string Write(IFuzzTarget target, byte[] input, string failure, int seed, long iteration)
    {
        Directory.CreateDirectory(folder);
        int number = Interlocked.Increment(ref _count);
        string stem = Path.Combine(folder, $"{target.Name}-{number:D4}");
        string reproducer = stem + ".bin";
        File.WriteAllBytes(reproducer, input);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"target: {target.Name}");
        report.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}, iteration: {iteration}, input length: {input.Length}");
        report.AppendLine(CultureInfo.InvariantCulture, $"replay: dotnet run --project Engine.Fuzz -- --target {target.Name} --repro {reproducer}");
        report.AppendLine();
        report.AppendLine(failure);
        report.AppendLine();
        report.Append(HexDump(input));
        File.WriteAllText(stem + ".txt", report.ToString());
        return stem;
    }

    public static string HexDump(ReadOnlySpan<byte> data, int maxBytes = 4096)
    {
        var text = new StringBuilder();
        int shown = Math.Min(data.Length, maxBytes);
        for (int offset = 0; offset < shown; offset += 16)
        {
            ReadOnlySpan<byte> line = data.Slice(offset, Math.Min(16, shown - offset));
            text.Append(CultureInfo.InvariantCulture, $"{offset:x8}  ");
            for (int i = 0; i < 16; i++)
            {
                text.Append(i < line.Length ? line[i].ToString("x2", CultureInfo.InvariantCulture) + " " : "   ");
                if (i == 7)
                {
                    text.Append(' ');
                }
            }

            text.Append(" |");
            foreach (byte b in line)
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
            }

            text.AppendLine("|");
        }

        if (shown < data.Length)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"... {data.Length - shown} more bytes (see the .bin file)");
        }

        return text.ToString();
    }
}
