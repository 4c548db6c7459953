namespace SlateFast.Cli.Bench;

/// <summary>
/// Resident memory and bytes written of this process, from Linux's /proc (0 elsewhere): what the
/// harness can measure the same way for every engine, whatever its language.
/// </summary>
internal static class ProcessProbe
{
    private static readonly long s_pageSize = Environment.SystemPageSize;

    /// <summary>Resident set size now, in bytes.</summary>
    public static long ResidentBytes()
    {
        var text = TryRead("/proc/self/statm");
        if (text is null)
        {
            return Environment.WorkingSet;
        }

        var fields = text.Split(' ', 3);
        return fields.Length > 1 && long.TryParse(fields[1], out var pages) ? pages * s_pageSize : 0;
    }

    /// <summary>The peak resident set size of the process so far (VmHWM), in bytes.</summary>
    public static long PeakResidentBytes() => StatusField("/proc/self/status", "VmHWM:") * 1024;

    /// <summary>
    /// Bytes this process passed to write(2) and friends so far ("wchar" of /proc/self/io): data
    /// handed to the kernel for files, whether or not it has reached the disk yet.
    /// </summary>
    public static long WrittenBytes() => StatusField("/proc/self/io", "wchar:");

    private static long StatusField(string file, string name)
    {
        var text = TryRead(file);
        if (text is null)
        {
            return 0;
        }

        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                var digits = new string(line.AsSpan(name.Length).Trim().ToString().TakeWhile(char.IsAsciiDigit).ToArray());
                return long.TryParse(digits, out var v) ? v : 0;
            }
        }

        return 0;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
