namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// A seeded mix of SlateFast writes for cross-engine tests: puts, overwrites, deletes (of written
/// and never-written keys), batches with put-then-delete of one key, binary keys with 0x00/0xFF,
/// empty and multi-block values, TTL rows, durable and non-durable commits.
/// </summary>
internal static class MixedWrites
{
    public static async Task ApplyAsync(DbHandle db, DbModel model, Random random, int ops, IReadOnlyList<byte[]>? existingKeys = null)
    {
        var pool = KeyPool(random, existingKeys);
        for (var i = 0; i < ops; i++)
        {
            var key = pool[random.Next(pool.Count)];
            var options = random.Next(3) == 0 ? WriteOptions.Default : WriteOptions.NoWait;
            switch (random.Next(10))
            {
                case < 5:
                    var value = Value(random);
                    model.Put(key, value, await db.PutAsync(key, value, writeOptions: options));
                    break;
                case 5:
                    // A far-future expiry: 0.12 writes expire_ts and keeps the row.
                    var expireAt = DateTimeOffset.FromUnixTimeMilliseconds(4_102_444_800_000);
                    var ttlValue = Value(random);
                    model.Put(key, ttlValue, await db.PutAsync(key, ttlValue, new PutOptions { Ttl = Ttl.ExpireAt(expireAt) }, options), expireAt.ToUnixTimeMilliseconds());
                    break;
                case 6 or 7:
                    await db.DeleteAsync(key, options);
                    model.Delete(key);
                    break;
                default:
                    await BatchAsync(db, model, random, pool, options);
                    break;
            }
        }
    }

    private static async Task BatchAsync(DbHandle db, DbModel model, Random random, List<byte[]> pool, WriteOptions options)
    {
        var batch = new WriteBatch();
        var last = new Dictionary<byte[], byte[]?>(ByteArrayComparer.Instance);
        for (var j = random.Next(1, 6); j > 0; j--)
        {
            var key = pool[random.Next(pool.Count)];
            if (random.Next(3) == 0)
            {
                batch.Delete(key);
                last[key] = null;
            }
            else
            {
                var value = Value(random);
                batch.Put(key, value);
                last[key] = value;
            }
        }

        // Put then delete of one key inside the batch: the delete wins.
        var doomed = pool[random.Next(pool.Count)];
        batch.Put(doomed, [1, 2, 3]).Delete(doomed);
        last[doomed] = null;

        var handle = await db.WriteAsync(batch, options);
        foreach (var (key, value) in last)
        {
            if (value is null)
            {
                model.Delete(key);
            }
            else
            {
                model.Put(key, value, handle);
            }
        }
    }

    private static List<byte[]> KeyPool(Random random, IReadOnlyList<byte[]>? existing)
    {
        List<byte[]> pool = [[0x00], [0xFF], [0x00, 0xFF, 0x00], [0xFF, 0xFF, 0x00], [0x61, 0x00]];
        for (var i = 0; i < 40; i++)
        {
            pool.Add(System.Text.Encoding.UTF8.GetBytes($"sf-key-{i:d3}"));
        }

        for (var i = 0; i < 10; i++)
        {
            var key = new byte[random.Next(1, 24)];
            random.NextBytes(key);
            pool.Add(key);
        }

        if (existing is not null)
        {
            for (var i = 0; i < 40 && existing.Count > 0; i++)
            {
                pool.Add(existing[random.Next(existing.Count)]);
            }
        }

        return pool;
    }

    private static byte[] Value(Random random)
    {
        var length = random.Next(20) switch
        {
            0 => 0,
            1 => 10_000,
            _ => random.Next(1, 120),
        };
        var value = new byte[length];
        random.NextBytes(value);
        return value;
    }
}
