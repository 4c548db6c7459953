using System.Security.Cryptography;
using SlateFast.ObjectStore;

namespace SlateFast.TestHost;

/// <summary>
/// Child-process roles for tests. Each prints one line per event on stdout so the parent can
/// follow it without timing assumptions.
/// </summary>
internal static class Commands
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Engine.TestHost <race-create|put-loop|db-writer|db-hold> ...");
            return 2;
        }

        return args[0] switch
        {
            "race-create" => await RaceCreateAsync(args[1], args[2], args[3]),
            "put-loop" => await PutLoopAsync(args[1], args[2]),
            "db-writer" => await DbCommands.WriterAsync(args),
            "db-hold" => await DbCommands.HoldAsync(args),
            "gc-loop" => await GcCommands.LoopAsync(args),
            "ingest-loop" => await IngestCommands.LoopAsync(args),
            "db-compact" => await CompactionCommands.RunAsync(args),
            "open-compressed" => await DbCommands.OpenCompressedAsync(args[1], Enum.Parse<CompressionCodec>(args[2], ignoreCase: true)),
            _ => Usage(args[0]),
        };
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"unknown command {command}");
        return 2;
    }

    // Waits for "go" on stdin so that every racer starts at once, then tries to create the object.
    private static async Task<int> RaceCreateAsync(string root, string path, string contender)
    {
        var store = new LocalObjectStore(root);
        Console.WriteLine("ready");
        Console.Out.Flush();
        if (Console.ReadLine() != "go")
        {
            return 3;
        }

        var result = await store.PutIfAbsentAsync(path, System.Text.Encoding.UTF8.GetBytes(contender));
        Console.WriteLine(result.Stored ? "created" : "exists");
        return 0;
    }

    // Writes objects put-loop/<n> whose content is derived from n, forever, announcing each
    // write before it starts so the parent can kill the process in the middle of one.
    private static async Task<int> PutLoopAsync(string root, string prefix)
    {
        var store = new LocalObjectStore(root);
        for (var n = 0; ; n++)
        {
            var name = $"{prefix}/{n:d6}";
            Console.WriteLine($"start {name}");
            Console.Out.Flush();
            var content = ContentFor(name);
            if (n % 3 == 0)
            {
                await using var writer = await store.OpenWriterAsync(name);
                for (var offset = 0; offset < content.Length; offset += 64 * 1024)
                {
                    await writer.WriteAsync(content.AsMemory(offset, Math.Min(64 * 1024, content.Length - offset)));
                }

                await writer.CompleteAsync();
            }
            else if (n % 3 == 1)
            {
                await store.PutIfAbsentAsync(name, content);
            }
            else
            {
                await store.PutAsync(name, content);
            }

            Console.WriteLine($"done {name}");
            Console.Out.Flush();
        }
    }

    /// <summary>The deterministic content of a put-loop object: 1..~1 MiB of bytes derived from its name.</summary>
    public static byte[] ContentFor(string name)
    {
        var seed = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        var length = 1 + (BitConverter.ToInt32(seed, 0) & 0xFFFFF);
        var content = new byte[length];
        new Random(BitConverter.ToInt32(seed, 4)).NextBytes(content);
        return content;
    }
}
