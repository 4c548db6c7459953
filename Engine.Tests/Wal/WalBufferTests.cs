using System.Text;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Wal;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Wal;

/// <summary>The open WAL object (rows encoded as they commit) and the ticket its writers share.</summary>
public sealed class WalBufferTests
{
    [Fact]
    public async Task A_buffer_tracks_its_sequence_range_and_finishes_as_a_wal_sst_holding_its_rows_in_order()
    {
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        Assert.True(wal.IsEmpty);

        wal.Append(new RowEntry("b"u8, "1"u8, 7, RowKind.Value));
        wal.Append(new RowEntry("a"u8, default, 8, RowKind.Tombstone));
        wal.Append(new RowEntry("c"u8, "+"u8, 9, RowKind.Merge, createTs: 5));
        wal.Seal(42);

        Assert.Equal((7UL, 9UL, 3L, 42UL, false), (wal.FirstSeq, wal.LastSeq, wal.Rows, wal.Id, wal.IsEmpty));

        var store = new InMemoryObjectStore();
        await store.PutAsync(DbPaths.WalSstPath("db", 42), wal.Finish().ToArray());
        var contents = await WalObjects.ReadForReplayAsync(store, "db", 42, null, CancellationToken.None);
        var rows = new List<string>();
        var iterator = new BlockIterator();
        foreach (var block in contents!.Blocks)
        {
            iterator.Reset(block, contents.Format);
            for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
            {
                rows.Add($"{Encoding.ASCII.GetString(iterator.Key)}@{iterator.Seq}:{iterator.Kind}");
            }
        }

        // Commit order, not key order: a WAL object replays as it was written.
        Assert.Equal(["b@7:Value", "a@8:Tombstone", "c@9:Merge"], rows);
    }

    [Fact]
    public void Encoded_bytes_count_whole_blocks_so_a_seal_by_size_happens_at_a_block_boundary()
    {
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        wal.Append(new RowEntry("k0"u8, new byte[1000], 1, RowKind.Value));
        Assert.Equal(0, wal.EncodedBytes);
        for (var i = 1; i < 10; i++)
        {
            wal.Append(new RowEntry(Encoding.ASCII.GetBytes($"k{i}"), new byte[1000], (ulong)i + 1, RowKind.Value));
        }

        Assert.InRange(wal.EncodedBytes, 4096, 10_000);
    }

    [Fact]
    public async Task A_ticket_completes_or_fails_once_for_every_writer_sharing_it()
    {
        var ticket = new DurabilityTicket();
        Assert.False(ticket.HasWaiters);
        ticket.AddWaiter();
        Assert.True(ticket.HasWaiters);
        Assert.False(ticket.IsCompleted);

        ticket.Complete();
        ticket.Fail(new InvalidOperationException("too late"));
        await ticket.Task;
        Assert.True(ticket.IsCompleted);

        var failed = new DurabilityTicket();
        failed.Fail(new IOException("disk"));
        failed.Complete();
        await Assert.ThrowsAsync<IOException>(() => failed.Task);
    }
}
