using System.Buffers.Binary;
using System.Text;

namespace SlateFast.Cli.Bench;

/// <summary>
/// A <see cref="WorkloadPlan"/> as one binary file, for drivers of other engines in other
/// languages (tools/slatedb-interop/bench.mjs): they execute exactly the planned operations and
/// check the planned results instead of re-implementing the workload. Little-endian layout:
/// <code>
/// "SFBPLAN1"
/// u16 key size, u16 value size, u16 writers, u16 flags (1 durable, 2 flush and warm after loading)
/// u32 time limit in ms (0: none), i64 rows the warming scan must count (-1: no warm-up)
/// u32 pool bytes, u32 load / timed / verify record counts, u16 load / timed / verify record sizes
/// u16 scan length, u32 warm-up operations (the leading timed operations, run untimed first), u16 name bytes, the name (UTF-8)
/// the value pool, then the load, timed and verify records (<see cref="OpList"/>)
/// </code>
/// </summary>
internal static class PlanFile
{
    public static readonly byte[] Magic = "SFBPLAN1"u8.ToArray();

    public const ushort FlagDurable = 1;
    public const ushort FlagWarm = 2;

    public static void Write(WorkloadPlan plan, Stream output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        var name = Encoding.UTF8.GetBytes(plan.Workload.Name);
        var header = new byte[8 + 8 + 4 + 8 + 4 + 12 + 6 + 2 + 4 + 2 + name.Length];
        var w = header.AsSpan();
        Magic.CopyTo(w);
        w = w[8..];
        BinaryPrimitives.WriteUInt16LittleEndian(w, (ushort)plan.KeySize);
        BinaryPrimitives.WriteUInt16LittleEndian(w[2..], (ushort)plan.ValueSize);
        BinaryPrimitives.WriteUInt16LittleEndian(w[4..], (ushort)plan.Writers);
        var flags = (ushort)((plan.Workload.Durable ? FlagDurable : 0) | (plan.WarmRows >= 0 ? FlagWarm : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(w[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(w[8..], plan.TimeLimit is { } t ? (uint)t.TotalMilliseconds : 0);
        BinaryPrimitives.WriteInt64LittleEndian(w[12..], plan.WarmRows);
        BinaryPrimitives.WriteUInt32LittleEndian(w[20..], (uint)plan.Pool.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(w[24..], (uint)plan.Load.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(w[28..], (uint)plan.Timed.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(w[32..], (uint)plan.Verify.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(w[36..], (ushort)plan.Load.RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(w[38..], (ushort)plan.Timed.RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(w[40..], (ushort)plan.Verify.RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(w[42..], Workload.ScanLength);
        BinaryPrimitives.WriteUInt32LittleEndian(w[44..], (uint)plan.WarmupOps);
        BinaryPrimitives.WriteUInt16LittleEndian(w[48..], (ushort)name.Length);
        name.CopyTo(w[50..]);
        output.Write(header);
        output.Write(plan.Pool);
        output.Write(plan.Load.Data);
        output.Write(plan.Timed.Data);
        output.Write(plan.Verify.Data);
    }

    public static void Write(WorkloadPlan plan, string path)
    {
        using var file = File.Create(path);
        Write(plan, file);
    }
}
