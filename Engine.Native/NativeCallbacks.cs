using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using SlateFast.Format;

namespace SlateFast.Native;

/// <summary><c>sf_callbacks_t</c>: the C callbacks a database may run, each NULL when unused.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeCallbacksStruct
{
    /// <summary>Name of the merge operator for logs and errors (NULL: "c-merge").</summary>
    public byte* MergeOperatorName;

    /// <summary><c>sf_merge_fn</c>.</summary>
    public delegate* unmanaged<void*, byte*, nuint, int, byte*, nuint, byte*, nuint, byte*, nuint, nuint*, int> Merge;

    /// <summary>Passed to <see cref="Merge"/>.</summary>
    public void* MergeUserData;

    /// <summary><c>sf_compaction_filter_fn</c>.</summary>
    public delegate* unmanaged<void*, NativeCompactionEntry*, int*, byte*, nuint, nuint*, int> CompactionFilter;

    /// <summary>Passed to <see cref="CompactionFilter"/>.</summary>
    public void* CompactionFilterUserData;

    /// <summary><c>sf_block_transform_fn</c> for encoding; set together with <see cref="BlockDecode"/>.</summary>
    public delegate* unmanaged<void*, byte*, nuint, byte*, nuint, nuint*, int> BlockEncode;

    /// <summary><c>sf_block_transform_fn</c> for decoding.</summary>
    public delegate* unmanaged<void*, byte*, nuint, byte*, nuint, nuint*, int> BlockDecode;

    /// <summary>Passed to both transform functions.</summary>
    public void* BlockTransformerUserData;
}

/// <summary><c>sf_compaction_entry_t</c>: one row a compaction is about to write, with its job's context.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeCompactionEntry
{
    /// <summary>The key.</summary>
    public byte* Key;

    /// <summary>Its length.</summary>
    public nuint KeyLength;

    /// <summary>The value or operand (NULL and 0 for a tombstone).</summary>
    public byte* Value;

    /// <summary>Its length.</summary>
    public nuint ValueLength;

    /// <summary>The sequence number.</summary>
    public ulong Seq;

    /// <summary>SF_ROW_VALUE, SF_ROW_TOMBSTONE or SF_ROW_MERGE.</summary>
    public int Kind;

    /// <summary>Whether <see cref="CreateTs"/> is set.</summary>
    public int HasCreateTs;

    /// <summary>Create time (clock tick).</summary>
    public long CreateTs;

    /// <summary>Whether <see cref="ExpireTs"/> is set.</summary>
    public int HasExpireTs;

    /// <summary>Expire time (clock tick).</summary>
    public long ExpireTs;

    /// <summary>The job's destination sorted run.</summary>
    public uint Destination;

    /// <summary>Whether the destination is the oldest run.</summary>
    public int IsDestinationLastRun;

    /// <summary>The job's clock tick.</summary>
    public long ClockTick;

    /// <summary>The job's retention floor.</summary>
    public ulong RetentionMinSeq;
}

/// <summary>
/// The output-buffer protocol every C callback with a variable-size result follows (slatefast.h):
/// the engine offers a buffer and its capacity; 0 means <c>*out_len</c> bytes were written;
/// <see cref="BufferTooSmall"/> asks for one more call with <c>*out_len</c> bytes;
/// <see cref="ErrorMessage"/> means the buffer holds a UTF-8 message; anything else is an error code.
/// </summary>
internal static unsafe class CallbackProtocol
{
    public const int Ok = 0;
    public const int BufferTooSmall = 1;
    public const int ErrorMessage = 2;

    /// <summary>Largest result a callback may ask for (a block, value or operand is bounded well below it).</summary>
    private const int MaxResult = 1 << 30;

    /// <summary>
    /// Interprets a callback's answer: the byte count written, or -1 with <paramref name="retryCapacity"/>
    /// set when it asked for a bigger buffer (allowed once). Errors throw Invalid naming <paramref name="what"/>.
    /// </summary>
    public static int Check(int code, nuint length, ReadOnlySpan<byte> buffer, bool retried, string what, out int retryCapacity)
    {
        retryCapacity = 0;
        switch (code)
        {
            case Ok when length <= (nuint)buffer.Length:
                return (int)length;
            case Ok:
                throw new SlateFastException(ErrorKind.Invalid, $"the {what} callback reported {length} bytes written into a buffer of {buffer.Length}");
            case BufferTooSmall when !retried && length > (nuint)buffer.Length && length <= MaxResult:
                retryCapacity = (int)length;
                return -1;
            case BufferTooSmall:
                throw new SlateFastException(ErrorKind.Invalid, $"the {what} callback asked for a buffer of {length} bytes, after a call with {buffer.Length} (it may ask once, for more, up to {MaxResult})");
            case ErrorMessage:
                var message = Encoding.UTF8.GetString(buffer[..(int)Math.Min(length, (nuint)buffer.Length)]);
                throw new SlateFastException(ErrorKind.Invalid, $"the {what} callback failed: {message}");
            default:
                throw new SlateFastException(ErrorKind.Invalid, $"the {what} callback returned error code {code}");
        }
    }
}

/// <summary>An <see cref="IMergeOperator"/> that calls an <c>sf_merge_fn</c>.</summary>
internal sealed unsafe class NativeMergeOperator(string name, delegate* unmanaged<void*, byte*, nuint, int, byte*, nuint, byte*, nuint, byte*, nuint, nuint*, int> merge, void* userData) : IMergeOperator
{
    private readonly nint _merge = (nint)merge;
    private readonly nint _userData = (nint)userData;

    public string Name => name;

    public void Merge(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, ReadOnlySpan<byte> operand, IBufferWriter<byte> result)
    {
        var fn = (delegate* unmanaged<void*, byte*, nuint, int, byte*, nuint, byte*, nuint, byte*, nuint, nuint*, int>)_merge;
        var capacity = existing.Length + operand.Length + 64;
        fixed (byte* k = key, e = existing, o = operand)
        {
            for (var retried = false; ; retried = true)
            {
                var span = result.GetSpan(capacity);
                nuint length = 0;
                int code;
                fixed (byte* output = span)
                {
                    code = fn((void*)_userData, k, (nuint)key.Length, hasExisting ? 1 : 0, e, (nuint)existing.Length, o, (nuint)operand.Length, output, (nuint)span.Length, &length);
                }

                var written = CallbackProtocol.Check(code, length, span, retried, $"merge operator '{name}'", out capacity);
                if (written >= 0)
                {
                    result.Advance(written);
                    return;
                }
            }
        }
    }
}

/// <summary>An <see cref="IBlockTransformer"/> over an encode and a decode <c>sf_block_transform_fn</c>.</summary>
internal sealed unsafe class NativeBlockTransformer(
    delegate* unmanaged<void*, byte*, nuint, byte*, nuint, nuint*, int> encode,
    delegate* unmanaged<void*, byte*, nuint, byte*, nuint, nuint*, int> decode,
    void* userData) : IBlockTransformer
{
    private readonly nint _encode = (nint)encode;
    private readonly nint _decode = (nint)decode;
    private readonly nint _userData = (nint)userData;

    public void Encode(ReadOnlySpan<byte> block, IBufferWriter<byte> output) => Run(_encode, block, output, "block encode");

    public void Decode(ReadOnlySpan<byte> stored, IBufferWriter<byte> output) => Run(_decode, stored, output, "block decode");

    private void Run(nint function, ReadOnlySpan<byte> input, IBufferWriter<byte> output, string what)
    {
        var fn = (delegate* unmanaged<void*, byte*, nuint, byte*, nuint, nuint*, int>)function;
        var capacity = input.Length + 64;
        fixed (byte* source = input)
        {
            for (var retried = false; ; retried = true)
            {
                var span = output.GetSpan(capacity);
                nuint length = 0;
                int code;
                fixed (byte* destination = span)
                {
                    code = fn((void*)_userData, source, (nuint)input.Length, destination, (nuint)span.Length, &length);
                }

                var written = CallbackProtocol.Check(code, length, span, retried, what, out capacity);
                if (written >= 0)
                {
                    output.Advance(written);
                    return;
                }
            }
        }
    }
}

/// <summary>A compaction filter supplier whose filters call an <c>sf_compaction_filter_fn</c> for each row.</summary>
internal sealed unsafe class NativeCompactionFilterSupplier(delegate* unmanaged<void*, NativeCompactionEntry*, int*, byte*, nuint, nuint*, int> filter, void* userData) : ICompactionFilterSupplier
{
    private readonly nint _filter = (nint)filter;
    private readonly nint _userData = (nint)userData;

    public ICompactionFilter CreateFilter(CompactionJobContext context) => new CallingFilter(this, context);

    private sealed class CallingFilter(NativeCompactionFilterSupplier owner, CompactionJobContext context) : ICompactionFilter
    {
        private byte[] _buffer = new byte[256];

        public CompactionDecision Filter(in CompactionEntry entry)
        {
            var fn = (delegate* unmanaged<void*, NativeCompactionEntry*, int*, byte*, nuint, nuint*, int>)owner._filter;
            fixed (byte* key = entry.Key, value = entry.Value)
            {
                var native = new NativeCompactionEntry
                {
                    Key = key,
                    KeyLength = (nuint)entry.Key.Length,
                    Value = entry.Kind == RowKind.Tombstone ? null : value,
                    ValueLength = (nuint)entry.Value.Length,
                    Seq = entry.Seq,
                    Kind = (int)entry.Kind,
                    HasCreateTs = entry.CreateTs.HasValue ? 1 : 0,
                    CreateTs = entry.CreateTs ?? 0,
                    HasExpireTs = entry.ExpireTs.HasValue ? 1 : 0,
                    ExpireTs = entry.ExpireTs ?? 0,
                    Destination = context.Destination,
                    IsDestinationLastRun = context.IsDestinationLastRun ? 1 : 0,
                    ClockTick = context.ClockTick,
                    RetentionMinSeq = context.RetentionMinSeq,
                };
                for (var retried = false; ; retried = true)
                {
                    var decision = 0;
                    nuint length = 0;
                    int code;
                    fixed (byte* output = _buffer)
                    {
                        code = fn((void*)owner._userData, &native, &decision, output, (nuint)_buffer.Length, &length);
                    }

                    var written = CallbackProtocol.Check(code, length, _buffer, retried, "compaction filter", out var capacity);
                    if (written < 0)
                    {
                        _buffer = new byte[capacity];
                        continue;
                    }

                    return (CompactionDecisionKind)decision switch
                    {
                        CompactionDecisionKind.Keep => CompactionDecision.Keep,
                        CompactionDecisionKind.Drop => CompactionDecision.Drop,
                        CompactionDecisionKind.Tombstone => CompactionDecision.Tombstone,
                        CompactionDecisionKind.Value => CompactionDecision.ReplaceValue(_buffer.AsSpan(0, written).ToArray()),
                        CompactionDecisionKind.Merge => CompactionDecision.ReplaceMergeOperand(_buffer.AsSpan(0, written).ToArray()),
                        _ => throw new SlateFastException(ErrorKind.Invalid, $"the compaction filter callback returned decision {decision}, which is not an SF_COMPACTION_* value"),
                    };
                }
            }
        }

        public void OnCompactionEnd()
        {
        }
    }
}
