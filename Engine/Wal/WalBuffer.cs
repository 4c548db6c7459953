using SlateFast.Format;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Wal;

/// <summary>
/// The WAL rows not yet written: encoded straight into a WAL-type SST as they commit, so a flush
/// only finishes the footer and writes one object. Sealed buffers get the next WAL id and are
/// written strictly in id order.
/// </summary>
internal sealed class WalBuffer : IDisposable
{
    private readonly SstBuilder _builder;

    public WalBuffer(CompressionCodec codec, int blockSize, FilterFormat filterFormat = FilterFormat.Legacy, IBlockTransformer? transformer = null)
    {
        _builder = new SstBuilder(SstBuildSettings.Wal(codec, blockSize, filterFormat, transformer));
    }

    public DurabilityTicket Ticket { get; } = new();

    public ulong FirstSeq { get; private set; }

    public ulong LastSeq { get; private set; }

    public long Rows => _builder.Rows;

    public bool IsEmpty => _builder.Rows == 0;

    /// <summary>Encoded bytes so far (the WAL object will be this plus its index and footer).</summary>
    public long EncodedBytes => _builder.Position;

    /// <summary>The WAL id, assigned when the buffer is sealed.</summary>
    public ulong Id { get; private set; }

    public void Append(scoped in RowEntry row)
    {
        if (_builder.Rows == 0)
        {
            FirstSeq = row.Seq;
        }

        _builder.Add(row);
        LastSeq = row.Seq;
    }

    public void Seal(ulong id) => Id = id;

    /// <summary>The complete WAL SST object.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        _builder.Finish();
        return _builder.Pending;
    }

    public void Dispose() => _builder.Dispose();
}
