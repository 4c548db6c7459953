using SlateFast.ObjectStore;
using SlateFast.Format.Blocks;

namespace SlateFast.Fuzz.Operations;

internal sealed partial class OpRunner
{
    // Far more rows than any sequence writes: a scan returning more does not end.
    private const int MaxRows = 100_000;

    private static WriteOptions WriteOptionsFor(Op op) => op.Durable ? WriteOptions.Default : WriteOptions.NoWait;

    public async Task WriteAsync(Op op)
    {
        var key = Convert.FromHexString(op.Key!);
        var handle = op.Kind switch
        {
            "put" => await Db.PutAsync(key, Convert.FromHexString(op.Value!), writeOptions: WriteOptionsFor(op)).ConfigureAwait(false),
            "delete" => await Db.DeleteAsync(key, WriteOptionsFor(op)).ConfigureAwait(false),
            _ => await Db.MergeAsync(key, Convert.FromHexString(op.Value!), writeOptions: WriteOptionsFor(op)).ConfigureAwait(false),
        };
        Committed([op], op.Durable);
        _ = handle;
    }

    public async Task BatchAsync(Op op)
    {
        var batch = new WriteBatch();
        foreach (var row in op.Items!)
        {
            var key = Convert.FromHexString(row.Key!);
            _ = row.Kind switch
            {
                "put" => batch.Put(key, Convert.FromHexString(row.Value!)),
                "delete" => batch.Delete(key),
                _ => batch.Merge(key, Convert.FromHexString(row.Value!)),
            };
        }

        if (batch.Count == 0)
        {
            return;
        }

        await Db.WriteAsync(batch, WriteOptionsFor(op)).ConfigureAwait(false);
        Committed(op.Items!, op.Durable);
    }

    private void Committed(IReadOnlyList<Op> rows, bool durable)
    {
        Model.Commit(rows);
        if (durable)
        {
            Model.MarkDurable();
        }
    }

    public async Task TransactionAsync(Op op)
    {
        var db = Db;
        var start = Model.Copy(Model.State);
        await using var txn = db.BeginTransaction(op.Serializable ? IsolationLevel.SerializableSnapshot : IsolationLevel.Snapshot);
        var readKeys = new List<byte[]>();
        foreach (var hex in op.Reads ?? [])
        {
            var key = Convert.FromHexString(hex);
            readKeys.Add(key);
            var got = await txn.GetAsync(key).ConfigureAwait(false);
            ExpectValue(start, key, got, "transaction read");
        }

        foreach (var row in op.Items ?? [])
        {
            var key = Convert.FromHexString(row.Key!);
            switch (row.Kind)
            {
                case "put": txn.Put(key, Convert.FromHexString(row.Value!)); break;
                case "delete": txn.Delete(key); break;
                default: txn.Merge(key, Convert.FromHexString(row.Value!)); break;
            }
        }

        KeyRange? scanned = null;
        if (op.Number == 1)
        {
            // Reads its own writes over the snapshot.
            scanned = Range(op);
            var own = Model.Copy(start);
            foreach (var row in op.Items ?? [])
            {
                Model.Apply(own, row);
            }

            var rows = new List<KeyValue>();
            await foreach (var kv in txn.ScanAsync(scanned, new ScanOptions { Order = op.Descending ? IterationOrder.Descending : IterationOrder.Ascending }).ConfigureAwait(false))
            {
                rows.Add(kv);
                Expect(rows.Count <= MaxRows, () => $"a transaction scan did not end after {MaxRows} rows");
            }

            ExpectRows(own, scanned, op.Descending, rows, "transaction scan");
        }

        // Another client commits between the transaction's start and its commit.
        var concurrentKeys = new List<byte[]>();
        foreach (var row in op.Concurrent ?? [])
        {
            await WriteAsync(row).ConfigureAwait(false);
            concurrentKeys.Add(Convert.FromHexString(row.Key!));
        }

        var writeKeys = (op.Items ?? []).Select(r => Convert.FromHexString(r.Key!)).ToList();
        var conflict = concurrentKeys.Any(c =>
            writeKeys.Any(w => w.AsSpan().SequenceEqual(c))
            || (op.Serializable && (readKeys.Any(r => r.AsSpan().SequenceEqual(c)) || (scanned?.Contains(c) ?? false))));
        try
        {
            await txn.CommitAsync(WriteOptionsFor(op)).ConfigureAwait(false);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Transaction)
        {
            Expect(conflict && writeKeys.Count > 0, () => $"transaction failed with a conflict no write caused: {e.Message}");
            Stats.Count("txn-conflict");
            return;
        }

        Expect(!conflict || writeKeys.Count == 0, () => "transaction committed although a concurrent commit wrote a key it wrote (or, under SSI, read)");
        if (writeKeys.Count > 0)
        {
            Committed(op.Items!, op.Durable);
        }
    }

    public async Task GetAsync(Op op)
    {
        var key = Convert.FromHexString(op.Key!);
        ExpectValue(Model.State, key, await Db.GetAsync(key).ConfigureAwait(false), "get");
    }

    public async Task ScanAsync(Op op)
    {
        var range = Range(op);
        var rows = await CollectAsync(Db.ScanAsync(range, ScanOptionsFor(op))).ConfigureAwait(false);
        ExpectRows(Model.State, range, op.Descending, rows, "scan");
    }

    public Task SnapshotAsync()
    {
        if (_snapshots.Count >= 8)
        {
            _snapshots[0].Snapshot.Dispose();
            _snapshots.RemoveAt(0);
        }

        _snapshots.Add((Db.Snapshot(), Model.Copy(Model.State)));
        return Task.CompletedTask;
    }

    public async Task SnapshotGetAsync(Op op)
    {
        if (_snapshots.Count == 0)
        {
            return;
        }

        var (snapshot, state) = _snapshots[op.Number % _snapshots.Count];
        var key = Convert.FromHexString(op.Key!);
        ExpectValue(state, key, await snapshot.GetAsync(key).ConfigureAwait(false), "snapshot get");
    }

    public async Task SnapshotScanAsync(Op op)
    {
        if (_snapshots.Count == 0)
        {
            return;
        }

        var (snapshot, state) = _snapshots[op.Number % _snapshots.Count];
        var range = Range(op);
        var rows = await CollectAsync(snapshot.ScanAsync(range, ScanOptionsFor(op))).ConfigureAwait(false);
        ExpectRows(state, range, op.Descending, rows, "snapshot scan");
    }

    public Task SnapshotReleaseAsync(Op op)
    {
        if (_snapshots.Count > 0)
        {
            var i = op.Number % _snapshots.Count;
            _snapshots[i].Snapshot.Dispose();
            _snapshots.RemoveAt(i);
        }

        return Task.CompletedTask;
    }

    public async Task FlushWalAsync()
    {
        await Db.FlushAsync().ConfigureAwait(false);
        Model.MarkDurable();
    }

    /// <summary>A forced full compaction (every L0 SST and sorted run into one run), then the whole model.</summary>
    public async Task CompactAsync()
    {
        await Db.CompactAsync().ConfigureAwait(false);
        await CheckAllAsync().ConfigureAwait(false);
    }

    public async Task FlushMemtableAsync()
    {
        await Db.FlushAsync(FlushType.MemTable).ConfigureAwait(false);
        Model.MarkDurable();
    }

    /// <summary>
    /// A collector pass with every kind, run beside the open writer as a separate process would,
    /// after moving the clock past its minimum age. L0 uploads still in flight are waited for
    /// first: an upload not yet in the manifest is protected by the minimum age only, and the
    /// fuzzer's jump of the clock would otherwise outrun it.
    /// </summary>
    public async Task GarbageCollectAsync()
    {
        if (Db.MemtableCount > 1)
        {
            await FlushMemtableAsync().ConfigureAwait(false);
        }

        _clock.Advance(TimeSpan.FromMinutes(10));
        var admin = new DbAdmin(DbPath, _store, _clock);
        await admin.CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(5))).ConfigureAwait(false);
    }

    public async Task CheckpointAsync()
    {
        var created = await Db.CreateCheckpointAsync().ConfigureAwait(false);
        Model.MarkDurable();
        _checkpoints.Add((created.Id, Model.Copy(Model.State)));
        await CheckCheckpointAsync(_checkpoints.Count - 1).ConfigureAwait(false);
    }

    public Task CheckpointCheckAsync(Op op) =>
        _checkpoints.Count == 0 ? Task.CompletedTask : CheckCheckpointAsync(op.Number % _checkpoints.Count);

    private async Task CheckCheckpointAsync(int index)
    {
        var (id, state) = _checkpoints[index];
        await using var reader = await DbReader.OpenAsync(DbPath, _store, new DbReaderOptions { CheckpointId = id, MergeOperator = MergeOperators.Concat }).ConfigureAwait(false);
        var read = await ReadAllAsync(reader.ScanAsync(KeyRange.All)).ConfigureAwait(false);
        if (!Model.Same(state, read) && Environment.GetEnvironmentVariable("OPS_DEBUG") is not null)
        {
            var ms = new Manifest.ManifestStore(_objects, DbPath);
            var latest = await ms.LoadLatestAsync().ConfigureAwait(false);
            Console.WriteLine($"latest {latest!.Value.Id}");
            for (ulong m = 1; m <= latest.Value.Id; m++)
            {
                var st = await ms.TryLoadAsync(m).ConfigureAwait(false);
                if (st is null) { continue; }
                Console.WriteLine($"  manifest {m}: epoch {st.WriterEpoch} replayAfter {st.ReplayAfterWalId} lastSeen {st.WalIdLastSeen} L0 [{string.Join(",", st.L0.Select(v => v.ToString()))}] cps [{string.Join(",", st.Checkpoints.Select(c => c.ManifestId))}] lastL0Seq {st.LastL0Seq}");
            }
            await foreach (var o in _objects.ListAsync("db/").ConfigureAwait(false)) { Console.WriteLine($"  {o.Path} {o.Size}"); }
            foreach (var k in state.Keys) { Console.WriteLine($"  reader get {Model.Hex(k)}: {((await reader.GetAsync(k).ConfigureAwait(false))?.Length ?? -1)}"); }
            Console.WriteLine($"  reader lastSeq {reader.LastSeq} manifest {reader.ManifestId}");
            await foreach (var o in _objects.ListAsync("db/compacted/").ConfigureAwait(false))
            {
                var sr = await Sst.SstReader.OpenAsync(_objects, o.Path).ConfigureAwait(false);
                await foreach (var row in sr.ReadRowsAsync().ConfigureAwait(false)) { Console.WriteLine($"  {o.Path}: {Model.Hex(row.Key)} seq {row.Seq} {row.Kind}"); }
            }
        }

        Expect(Model.Same(state, read), () => $"checkpoint {index} ({id}) reads differently: {Model.Difference(state, read)}");
    }

    public async Task ReopenAsync()
    {
        ReleaseSnapshots();
        var db = Db;
        _db = null;
        await db.CloseAsync().ConfigureAwait(false);

        // A clean close writes everything buffered.
        Model.MarkDurable();
        await OpenAsync().ConfigureAwait(false);
        await CheckAllAsync().ConfigureAwait(false);
    }

    public async Task CrashAsync()
    {
        Stats.Crashes++;
        await AbandonAsync().ConfigureAwait(false);
        await RecoverAsync("crash").ConfigureAwait(false);
    }

    // The process dies: its store is cut off first, so nothing it still does lands.
    private async Task AbandonAsync()
    {
        ReleaseSnapshots();
        _chaos.CutOff = true;
        Stats.Faults += _chaos.Injected;
        if (_db is { } db)
        {
            _db = null;
            try
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }
            catch (SlateFastException)
            {
            }
        }

        (_chaos, _store) = NewGeneration();
    }

    private async Task RecoverAsync(string what)
    {
        await OpenAsync().ConfigureAwait(false);
        var recovered = await ReadAllAsync(Db.ScanAsync(KeyRange.All)).ConfigureAwait(false);
        var pending = Model.Pending;
        var expected = Model.Copy(Model.State);
        var kept = Model.Recover(recovered);
        Expect(kept >= 0, () => $"after a {what} the database is not the durable state plus a prefix of the {pending} later commits: against all commits, {Model.Difference(expected, recovered)}");
        Stats.Recovered += kept;
    }

    public Task FaultsAsync(Op op)
    {
        _faultRate = op.Kind == "faults" ? op.Number / 100.0 : 0;
        _chaos.TransientRate = _faultRate;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The next WAL write fails for good: the durable write waiting for it must fail (never be
    /// acknowledged), the database closes itself, and a reopen recovers everything acknowledged.
    /// </summary>
    public async Task FailWalAsync(Op op)
    {
        _chaos.Permanent = (operation, path) => operation == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal);
        try
        {
            await Db.PutAsync(Convert.FromHexString(op.Key!), Convert.FromHexString(op.Value!)).ConfigureAwait(false);
            throw new ModelMismatchException("a durable put was acknowledged although its WAL write failed");
        }
        catch (SlateFastException e) when (e.Kind is ErrorKind.Unavailable or ErrorKind.Closed)
        {
            Expect(e.Kind == ErrorKind.Unavailable || e.CloseReason == CloseReason.Panic, () => $"a failed WAL write closed the database as {e.CloseReason}");
        }

        Model.Commit([op with { Kind = "put" }]);
        await AbandonAsync().ConfigureAwait(false);
        await RecoverAsync("failed WAL write").ConfigureAwait(false);
    }

    public async Task CheckAllAsync()
    {
        var read = await ReadAllAsync(Db.ScanAsync(KeyRange.All)).ConfigureAwait(false);
        if (!Model.Same(Model.State, read))
        {
            // Where the differing key's versions are on the store tells a read-path bug (all rows
            // there) from lost rows (a version missing everywhere).
            var key = Model.State.Keys.Concat(read.Keys).First(k => !Model.State.TryGetValue(k, out var w) || !read.TryGetValue(k, out var g) || !w.AsSpan().SequenceEqual(g));
            var where = await DescribeKeyAsync(key).ConfigureAwait(false);
            Expect(false, () => $"full scan differs from the model: {Model.Difference(Model.State, read)}; the key on the store: {where}");
        }

        foreach (var (key, value) in Model.State.Take(64))
        {
            ExpectValue(Model.State, key, await Db.GetAsync(key).ConfigureAwait(false), "get");
        }
    }

    // Every row of key in every SST and WAL object of the database, read from the raw store, with
    // whether the latest manifest lists the SST: for diagnosing a mismatch only.
    private async Task<string> DescribeKeyAsync(byte[] key)
    {
        var parts = new List<string>();
        try
        {
            var latest = await new SlateFast.Manifest.ManifestStore(_objects, DbPath).LoadLatestAsync().ConfigureAwait(false);
            var listed = new HashSet<string>(StringComparer.Ordinal);
            if (latest is { } m)
            {
                parts.Add($"manifest {m.Id} (replay after WAL {m.State.ReplayAfterWalId}, last L0 seq {m.State.LastL0Seq})");
                foreach (var sst in m.State.L0)
                {
                    listed.Add(sst.Sst.Id.ToString());
                }

                foreach (var run in m.State.Compacted)
                {
                    foreach (var sst in run.Ssts)
                    {
                        listed.Add(sst.Sst.Id.ToString());
                    }
                }
            }

            foreach (var meta in await _objects.ListAllAsync(DbPath + "/").ConfigureAwait(false))
            {
                if (!meta.Path.EndsWith(".sst", StringComparison.Ordinal) || meta.Size == 0)
                {
                    continue;
                }

                var file = await SlateFast.Sst.SstFile.OpenAsync(_objects, meta.Path).ConfigureAwait(false);
                var iterator = new SlateFast.Format.Blocks.BlockIterator();
                for (var block = 0; block < file.BlockCount; block++)
                {
                    iterator.Reset(await file.ReadBlockAsync(block).ConfigureAwait(false), file.Format);
                    for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
                    {
                        if (iterator.Key.SequenceEqual(key))
                        {
                            var name = Path.GetFileNameWithoutExtension(meta.Path);
                            var mark = meta.Path.Contains("/wal/", StringComparison.Ordinal) ? "wal" : listed.Contains(name) ? "listed" : "NOT LISTED";
                            parts.Add($"{meta.Path} [{mark}] seq {iterator.Seq} {iterator.Kind} {iterator.Value.Length}B");
                        }
                    }
                }
            }
        }
        catch (Exception e)
        {
            parts.Add($"(description failed: {e.Message})");
        }

        return string.Join("; ", parts);
    }

    private static KeyRange Range(Op op) => new(
        op.Key is null ? KeyBound.Unbounded : KeyBound.Included(Convert.FromHexString(op.Key)),
        op.End is null ? KeyBound.Unbounded : KeyBound.Excluded(Convert.FromHexString(op.End)));

    private static ScanOptions ScanOptionsFor(Op op) => new() { Order = op.Descending ? IterationOrder.Descending : IterationOrder.Ascending };

    private static async Task<List<KeyValue>> CollectAsync(DbIterator iterator)
    {
        var rows = new List<KeyValue>();
        await using (((IAsyncDisposable)iterator).ConfigureAwait(false))
        {
            while (await iterator.NextAsync().ConfigureAwait(false) is { } kv)
            {
                rows.Add(kv);
                Expect(rows.Count <= MaxRows, () => $"a scan did not end after {MaxRows} rows");
            }
        }

        return rows;
    }

    private static void ExpectValue(SortedDictionary<byte[], byte[]> state, byte[] key, byte[]? got, string what)
    {
        var has = state.TryGetValue(key, out var want);
        Expect(has == got is not null && (!has || want.AsSpan().SequenceEqual(got)), () =>
            $"{what} of {Model.Hex(key)}: expected {(has ? Model.Hex(want!) : "absent")}, got {(got is null ? "absent" : Model.Hex(got))}");
    }

    private static void ExpectRows(SortedDictionary<byte[], byte[]> state, KeyRange range, bool descending, List<KeyValue> rows, string what)
    {
        var want = state.Where(p => range.Contains(p.Key)).ToList();
        if (descending)
        {
            want.Reverse();
        }

        Expect(want.Count == rows.Count, () => $"{what} {range} {(descending ? "descending" : "ascending")}: {rows.Count} rows instead of {want.Count}");
        for (var i = 0; i < want.Count; i++)
        {
            var (k, v) = want[i];
            var row = rows[i];
            Expect(k.AsSpan().SequenceEqual(row.Key) && v.AsSpan().SequenceEqual(row.Value), () =>
                $"{what} {range} row {i}: expected {Model.Hex(k)}={Model.Hex(v)}, got {Model.Hex(row.Key)}={Model.Hex(row.Value)}");
        }
    }
}
