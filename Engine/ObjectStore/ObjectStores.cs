using System.Collections.Concurrent;

namespace SlateFast.ObjectStore;

/// <summary>
/// Creates stores from the URL form shared by the CLI, the C ABI and the tests:
/// <c>file:///abs/root</c>, <c>memory:///</c> (a fresh store) or <c>memory:///name</c> (a store
/// shared by that name within the process), and
/// <c>s3://bucket/prefix?endpoint=http://127.0.0.1:7480&amp;region=us-east-1</c>.
/// </summary>
public static class ObjectStores
{
    private static readonly ConcurrentDictionary<string, InMemoryObjectStore> s_namedMemoryStores = new(StringComparer.Ordinal);

    /// <summary>The local filesystem store rooted at <paramref name="root"/>.</summary>
    public static LocalObjectStore Local(string root) => new(root);

    /// <summary>A new, empty in-memory store.</summary>
    public static InMemoryObjectStore InMemory() => new();

    /// <summary>An S3 (or S3-compatible) store.</summary>
    public static S3ObjectStore S3(S3StoreOptions options) => new(options);

    /// <summary>Opens the store a URL names. A malformed or unsupported URL is <see cref="ErrorKind.Invalid"/>.</summary>
    public static IObjectStore FromUrl(string url)
    {
        var parsed = ParseUrl(url);
        return parsed.Scheme switch
        {
            "file" => new LocalObjectStore(parsed.Path),
            "memory" => parsed.Path.Length == 0
                ? new InMemoryObjectStore()
                : s_namedMemoryStores.GetOrAdd(parsed.Path, name => new InMemoryObjectStore { Name = $"memory:///{name}" }),
            _ => new S3ObjectStore(parsed.S3!),
        };
    }

    /// <summary>What a store URL says, without opening anything.</summary>
    public sealed record StoreUrl(string Scheme, string Path, S3StoreOptions? S3);

    /// <summary>Parses and validates a store URL. Errors are <see cref="ErrorKind.Invalid"/> and name the URL (minus any secret).</summary>
    public static StoreUrl ParseUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            ThrowHelper.Invalid("store URL must not be empty");
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: expected file:///path, memory:///[name] or s3://bucket[/prefix]");
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        switch (scheme)
        {
            case "file":
                if (!rest.StartsWith('/'))
                {
                    ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: a file URL needs an absolute path (file:///abs/path) and no host");
                }

                var path = Uri.UnescapeDataString(rest.Split('?', 2)[0]);
                if (path.Contains('\0', StringComparison.Ordinal))
                {
                    ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: the path contains a NUL character");
                }

                return new StoreUrl("file", path, null);

            case "memory":
                if (!rest.StartsWith('/'))
                {
                    ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: expected memory:/// or memory:///name");
                }

                return new StoreUrl("memory", rest.TrimStart('/').TrimEnd('/'), null);

            case "s3":
                return new StoreUrl("s3", string.Empty, ParseS3(url, rest));

            default:
                ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: unsupported scheme '{scheme}' (use file, memory or s3)");
                return null!;
        }
    }

    private static S3StoreOptions ParseS3(string url, string rest)
    {
        var parts = rest.Split('?', 2);
        var location = parts[0];
        if (location.Contains('@', StringComparison.Ordinal))
        {
            // Never echo what came before '@': it is probably a secret.
            ThrowHelper.Invalid("invalid store URL s3://***@...: credentials do not belong in a store URL; use the standard AWS credential sources (environment, profile)");
        }

        var slash = location.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? location : location[..slash];
        var prefix = slash < 0 ? string.Empty : location[(slash + 1)..].Trim('/');
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(url)}: bucket name '{bucket}' must be 3-63 lowercase letters, digits, '-' or '.'");
        }

        if (prefix.Length > 0)
        {
            ObjectPath.Validate(prefix);
        }

        var options = new S3StoreOptions { Bucket = bucket, Prefix = prefix };
        if (parts.Length == 2)
        {
            foreach (var pair in parts[1].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                var key = kv[0];
                var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
                options = key switch
                {
                    "endpoint" => options with { Endpoint = CheckEndpoint(url, value) },
                    "region" => options with { Region = value },
                    "path_style" => options with { ForcePathStyle = ParseBool(url, key, value) },
                    "quote_etag" => options with { QuoteIfMatchETag = ParseBool(url, key, value) },
                    "multipart_threshold" => options with { MultipartThreshold = ParseSize(url, key, value) },
                    "part_size" => options with { PartSize = ParseSize(url, key, value) },
                    "connect_timeout" => options with { ConnectTimeout = ParseDuration(url, key, value) },
                    "request_timeout" => options with { RequestTimeout = ParseDuration(url, key, value) },
                    "operation_timeout" => options with { OperationTimeout = ParseDuration(url, key, value) },
                    "create_bucket" => options with { CreateBucket = ParseBool(url, key, value) },
                    _ => throw new SlateFastException(ErrorKind.Invalid, $"invalid store URL {ObjectPath.Quote(StripQuery(url))}: unknown parameter '{key}' (known: endpoint, region, path_style, quote_etag, multipart_threshold, part_size, connect_timeout, request_timeout, operation_timeout, create_bucket)"),
                };
            }
        }

        return options;
    }

    private static string StripQuery(string url) => url.Split('?', 2)[0];

    private static string CheckEndpoint(string url, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            ThrowHelper.Invalid($"invalid store URL {ObjectPath.Quote(StripQuery(url))}: endpoint must be an http(s) URL without credentials");
        }

        return value;
    }

    private static bool ParseBool(string url, string key, string value) => value switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new SlateFastException(ErrorKind.Invalid, $"invalid store URL {ObjectPath.Quote(StripQuery(url))}: {key} must be true or false"),
    };

    private static TimeSpan ParseDuration(string url, string key, string value) =>
        Durations.TryParse(value, key, out var error) is { } t && t > TimeSpan.Zero
            ? t
            : throw new SlateFastException(ErrorKind.Invalid, $"invalid store URL {ObjectPath.Quote(StripQuery(url))}: {(error.Length > 0 ? error : $"{key} must be positive")}");

    private static int ParseSize(string url, string key, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= S3StoreOptions.MinPartSize
            ? n
            : throw new SlateFastException(ErrorKind.Invalid, $"invalid store URL {ObjectPath.Quote(StripQuery(url))}: {key} must be a byte count of at least {S3StoreOptions.MinPartSize}");
}
