using System.Buffers;

namespace SlateFast;

/// <summary>
/// Transforms every block of every SST a database writes (data blocks, filter, index and stats of
/// WAL and compacted SSTs; never the info section or footer), for example to encrypt them, as
/// SlateDB 0.12's <c>BlockTransformer</c> does: a block is compressed first, then encoded, then
/// checksummed, and the stored length is that of the encoded bytes plus the checksum. Configure it
/// in <see cref="DbOptions.BlockTransformer"/> and <see cref="DbReaderOptions.BlockTransformer"/>.
/// </summary>
/// <remarks>
/// <see cref="Decode"/> must invert <see cref="Encode"/> exactly and both must be thread-safe and
/// deterministic enough that a block encoded by one process decodes in another. A database written
/// with a transformer can only be read with it. An exception from <see cref="Decode"/> is
/// <see cref="ErrorKind.Data"/> naming the SST and block; from <see cref="Encode"/> it fails the
/// write, flush or compaction that needed it with <see cref="ErrorKind.Data"/>.
/// </remarks>
public interface IBlockTransformer
{
    /// <summary>Writes the stored form of <paramref name="block"/> (a compressed block) to <paramref name="output"/>.</summary>
    void Encode(ReadOnlySpan<byte> block, IBufferWriter<byte> output);

    /// <summary>Writes to <paramref name="output"/> the block whose stored form is <paramref name="stored"/>.</summary>
    void Decode(ReadOnlySpan<byte> stored, IBufferWriter<byte> output);
}
