using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.ObjectStore;

/// <summary>The local store's guarantees that only show with real processes: cross-process atomic create and crash safety.</summary>
public sealed class LocalObjectStoreProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("local-process");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Racing_creates_from_separate_processes_have_exactly_one_winner()
    {
        for (var round = 0; round < 3; round++)
        {
            var name = $"race/{round}";
            var children = Enumerable.Range(0, 4)
                .Select(i => ChildProcess.StartDotnet(RepoPaths.TestHostDll, "race-create", _folder.Path, name, $"child-{i}"))
                .ToList();
            try
            {
                foreach (var child in children)
                {
                    Assert.Equal("ready", await child.ReadLineAsync());
                }

                await Task.WhenAll(children.Select(c => c.WriteLineAsync("go")));
                var outcomes = await Task.WhenAll(children.Select(c => c.ReadLineAsync()));

                Assert.Equal(1, outcomes.Count(o => o == "created"));
                Assert.Equal(children.Count - 1, outcomes.Count(o => o == "exists"));
                var winner = children[Array.IndexOf(outcomes, "created")];
                var stored = await new LocalObjectStore(_folder.Path).GetAsync(name);
                Assert.Equal($"child-{children.IndexOf(winner)}", System.Text.Encoding.UTF8.GetString(stored!.Data.Span));
            }
            finally
            {
                children.ForEach(c => c.Dispose());
            }
        }
    }

    [Fact]
    public async Task A_process_killed_in_the_middle_of_writes_leaves_every_object_absent_or_whole()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var store = new LocalObjectStore(_folder.Path);
        var completed = 0;
        var interrupted = 0;
        for (var round = 0; round < 8; round++)
        {
            var prefix = $"crash/{round}";
            using var child = ChildProcess.StartDotnet(RepoPaths.TestHostDll, "put-loop", _folder.Path, prefix);

            // Kill while a write is in flight: after the child announced the start of write k.
            var target = random.Next(1, 12);
            string? started = null;
            var starts = 0;
            while (starts < target)
            {
                var line = await child.ReadLineAsync();
                Assert.NotNull(line);
                if (line.StartsWith("start ", StringComparison.Ordinal))
                {
                    starts++;
                    started = line[6..];
                }
            }

            child.Kill();
            var objects = await store.ListAllAsync(prefix + "/");
            foreach (var meta in objects)
            {
                var data = await store.GetAsync(meta.Path);
                Assert.Equal(TestHost.Commands.ContentFor(meta.Path), data!.Data.ToArray());
            }

            completed += objects.Count;
            if (objects.All(o => o.Path != started))
            {
                interrupted++;
            }
        }

        output.WriteLine($"{completed} whole objects checked; {interrupted} rounds killed mid-write");
        Assert.True(completed > 0);

        // Temporary files of killed writers never show up as objects.
        Assert.All(await store.ListAllAsync(string.Empty), o => Assert.StartsWith("crash/", o.Path, StringComparison.Ordinal));
    }
}
