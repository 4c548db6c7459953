namespace SlateFast.ObjectStore;

/// <summary>
/// Rules for object paths, the same in every store so a database moves between them unchanged:
/// relative, '/'-separated, non-empty segments, no "." or ".." segments, no NUL, backslash or
/// other control characters, and nothing under the reserved ".slatefast" top-level names that
/// the local store uses for its own bookkeeping.
/// </summary>
public static class ObjectPath
{
    /// <summary>The longest path accepted (S3's key limit).</summary>
    public const int MaxLength = 1024;

    internal const string ReservedPrefix = ".slatefast";

    /// <summary>Throws <see cref="ErrorKind.Invalid"/> naming the path unless it is a valid object path.</summary>
    public static void Validate(string path)
    {
        var problem = Check(path, allowTrailingSlash: false);
        if (problem is not null)
        {
            ThrowHelper.Invalid($"invalid object path {Quote(path)}: {problem}");
        }
    }

    /// <summary>
    /// Throws <see cref="ErrorKind.Invalid"/> unless <paramref name="prefix"/> is empty or a valid
    /// path that may end in '/' or in the middle of a segment.
    /// </summary>
    public static void ValidatePrefix(string prefix)
    {
        if (prefix.Length == 0)
        {
            return;
        }

        var problem = Check(prefix, allowTrailingSlash: true);
        if (problem is not null)
        {
            ThrowHelper.Invalid($"invalid object path prefix {Quote(prefix)}: {problem}");
        }
    }

    /// <summary>Joins path segments with '/', skipping empty ones.</summary>
    public static string Join(params ReadOnlySpan<string> segments)
    {
        var parts = new List<string>(segments.Length);
        foreach (var s in segments)
        {
            var trimmed = s.Trim('/');
            if (trimmed.Length > 0)
            {
                parts.Add(trimmed);
            }
        }

        return string.Join('/', parts);
    }

    private static string? Check(string? path, bool allowTrailingSlash)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "it is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (path[0] == '/')
        {
            return "it must be relative (no leading '/')";
        }

        foreach (var c in path)
        {
            if (c == '\0')
            {
                return "it contains a NUL character";
            }

            if (c == '\\')
            {
                return "it contains a backslash";
            }

            if (char.IsControl(c))
            {
                return "it contains a control character";
            }
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment.Length == 0)
            {
                if (last && allowTrailingSlash)
                {
                    continue;
                }

                return "it has an empty segment";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment";
            }
        }

        if (segments[0].StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            return $"names starting with '{ReservedPrefix}' are reserved";
        }

        return null;
    }

    // Shows control characters visibly so a message never carries raw NULs or escapes.
    internal static string Quote(string? path)
    {
        if (path is null)
        {
            return "(null)";
        }

        var sb = new System.Text.StringBuilder(path.Length + 2).Append('"');
        foreach (var c in path.Length > 200 ? path[..200] : path)
        {
            if (char.IsControl(c))
            {
                sb.Append($"\\x{(int)c:x2}");
            }
            else
            {
                sb.Append(c);
            }
        }

        if (path.Length > 200)
        {
            sb.Append("...");
        }

        return sb.Append('"').ToString();
    }
}
