using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary><c>sf_write_options_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeWriteOptions
{
    /// <summary>Non-zero: return once the write is durable.</summary>
    public int AwaitDurable;

    /// <summary>0: assigned by the database; otherwise the sequence number to use.</summary>
    public ulong SeqNum;
}

/// <summary><c>sf_put_options_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativePutOptions
{
    /// <summary>A <see cref="TtlKind"/> value (SF_TTL_*).</summary>
    public int TtlKind;

    /// <summary>Milliseconds for ExpireAfter, Unix milliseconds for ExpireAt, ignored otherwise.</summary>
    public long TtlValue;
}

/// <summary><c>sf_read_options_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeReadOptions
{
    /// <summary>A <see cref="SlateFast.DurabilityFilter"/> value (SF_DURABILITY_*).</summary>
    public int DurabilityFilter;

    /// <summary>Non-zero: with the remote filter, also see writes not yet durable.</summary>
    public int Dirty;

    /// <summary>Non-zero: keep fetched blocks in the block cache.</summary>
    public int CacheBlocks;

    /// <summary>Non-zero: a value whose TTL has passed reads as absent (<see cref="ReadOptions.HideExpired"/>).</summary>
    public int HideExpired;
}

/// <summary><c>sf_scan_options_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeScanOptions
{
    /// <summary>A <see cref="SlateFast.DurabilityFilter"/> value.</summary>
    public int DurabilityFilter;

    /// <summary>Non-zero: with the remote filter, also see writes not yet durable.</summary>
    public int Dirty;

    /// <summary>Non-zero: keep fetched blocks in the block cache.</summary>
    public int CacheBlocks;

    /// <summary>An <see cref="IterationOrder"/> value (SF_ORDER_*).</summary>
    public int Order;

    /// <summary>Bytes to read ahead; 0 means the default.</summary>
    public long ReadAheadBytes;

    /// <summary>Concurrent block fetches; 0 means the default.</summary>
    public int MaxFetchTasks;

    /// <summary>Non-zero: skip values whose TTL has passed (<see cref="ScanOptions.HideExpired"/>).</summary>
    public int HideExpired;
}

/// <summary>Turns the C option structs (NULL = defaults) into the engine's option records.</summary>
internal static unsafe class NativeOptionConversions
{
    public static WriteOptions Write(NativeWriteOptions* options) =>
        options is null ? WriteOptions.Default : new WriteOptions { AwaitDurable = options->AwaitDurable != 0, SeqNum = options->SeqNum };

    public static WriteOptions Write(int awaitDurable) => awaitDurable != 0 ? WriteOptions.Default : WriteOptions.NoWait;

    public static PutOptions Put(NativePutOptions* options)
    {
        if (options is null)
        {
            return PutOptions.Default;
        }

        var ttl = (TtlKind)options->TtlKind switch
        {
            TtlKind.Default => Ttl.Default,
            TtlKind.NoExpiry => Ttl.NoExpiry,
            TtlKind.ExpireAfter => Ttl.ExpireAfter(TimeSpan.FromMilliseconds(options->TtlValue)),
            TtlKind.ExpireAt => Ttl.ExpireAt(DateTimeOffset.FromUnixTimeMilliseconds(options->TtlValue)),
            _ => ThrowHelper.Invalid<Ttl>($"invalid sf_put_options_t.ttl_kind {options->TtlKind}"),
        };
        return new PutOptions { Ttl = ttl };
    }

    public static ReadOptions Read(NativeReadOptions* options) =>
        options is null
            ? ReadOptions.Default
            : new ReadOptions
            {
                DurabilityFilter = Filter(options->DurabilityFilter),
                Dirty = options->Dirty != 0,
                CacheBlocks = options->CacheBlocks != 0,
                HideExpired = options->HideExpired != 0,
            };

    public static ScanOptions Scan(NativeScanOptions* options)
    {
        if (options is null)
        {
            return ScanOptions.Default;
        }

        var order = options->Order switch
        {
            0 => IterationOrder.Ascending,
            1 => IterationOrder.Descending,
            _ => ThrowHelper.Invalid<IterationOrder>($"invalid sf_scan_options_t.order {options->Order}"),
        };
        return new ScanOptions
        {
            DurabilityFilter = Filter(options->DurabilityFilter),
            Dirty = options->Dirty != 0,
            CacheBlocks = options->CacheBlocks != 0,
            Order = order,
            ReadAheadBytes = options->ReadAheadBytes == 0 ? ScanOptions.Default.ReadAheadBytes : options->ReadAheadBytes,
            MaxFetchTasks = options->MaxFetchTasks == 0 ? ScanOptions.Default.MaxFetchTasks : options->MaxFetchTasks,
            HideExpired = options->HideExpired != 0,
        };
    }

    public static FlushType Flush(int type) => type switch
    {
        0 => FlushType.Wal,
        1 => FlushType.MemTable,
        _ => ThrowHelper.Invalid<FlushType>($"invalid flush type {type}"),
    };

    public static IsolationLevel Isolation(int value) => value switch
    {
        0 => IsolationLevel.Snapshot,
        1 => IsolationLevel.SerializableSnapshot,
        _ => ThrowHelper.Invalid<IsolationLevel>($"invalid isolation {value}: expected SF_ISOLATION_SNAPSHOT (0) or SF_ISOLATION_SERIALIZABLE (1)"),
    };

    public static CheckpointScope Scope(int value) => value switch
    {
        0 => CheckpointScope.All,
        1 => CheckpointScope.Durable,
        _ => ThrowHelper.Invalid<CheckpointScope>($"invalid checkpoint scope {value}: expected SF_CHECKPOINT_ALL (0) or SF_CHECKPOINT_DURABLE (1)"),
    };

    /// <summary>A lifetime in milliseconds: 0 is none (never expires), negative is Invalid.</summary>
    public static TimeSpan? Lifetime(long milliseconds) => milliseconds switch
    {
        < 0 => ThrowHelper.Invalid<TimeSpan?>($"invalid lifetime_ms {milliseconds}: 0 (never expires) or positive"),
        0 => null,
        _ => TimeSpan.FromMilliseconds(milliseconds),
    };

    private static DurabilityFilter Filter(int value) => value switch
    {
        0 => DurabilityFilter.Memory,
        1 => DurabilityFilter.Remote,
        _ => ThrowHelper.Invalid<DurabilityFilter>($"invalid durability filter {value}"),
    };
}
