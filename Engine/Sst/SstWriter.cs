using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Sst;

/// <summary>
/// Writes one SST file in SlateDB's format straight to an object store, without a database:
/// rows go in strictly increasing key order and stream to the store block by block (multipart on
/// S3), so memory stays at about one block plus the index and filter whatever the file size.
/// </summary>
/// <remarks>
/// Rows carry sequence number 0 and no timestamps; ingestion gives a file its sequence number.
/// One writer makes one file. Disposing a writer that was not closed aborts the upload and leaves
/// no object.
/// </remarks>
public sealed class SstWriter : IAsyncDisposable
{
    // Drain to the store once this much output is pending: a few blocks, not the whole file.
    private const int DrainThreshold = 256 * 1024;

    private readonly IObjectWriter _writer;
    private readonly SstBuilder _builder;
    private readonly string _path;
    private SstMetadata? _metadata;
    private bool _closed;
    private bool _failed;

    private SstWriter(IObjectWriter writer, SstBuilder builder, string path)
    {
        _writer = writer;
        _builder = builder;
        _path = path;
    }

    /// <summary>Starts a new SST at <paramref name="path"/> on <paramref name="store"/>.</summary>
    public static async ValueTask<SstWriter> CreateAsync(IObjectStore store, string path, SstWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new SstWriterOptions();
        options.Validate();
        ObjectPath.Validate(path);
        var builder = new SstBuilder(new SstBuildSettings(options.BlockSize, options.Compression, options.FilterBitsPerKey, options.MinFilterKeys, SstType.Compacted, options.FilterFormat));
        var writer = await store.OpenWriterAsync(path, cancellationToken).ConfigureAwait(false);
        return new SstWriter(writer, builder, path);
    }

    /// <summary>The metadata of the written file. <see cref="ErrorKind.Invalid"/> before <see cref="CloseAsync"/>.</summary>
    public SstMetadata Metadata => _metadata ?? ThrowHelper.Invalid<SstMetadata>($"SST {_path}: metadata is available only after CloseAsync");

    /// <summary>Adds a value for <paramref name="key"/>, which must sort after every key added before.</summary>
    public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        CheckOpen();
        CheckKey(key.Span);
        return Add(new RowEntry(key.Span, value.Span, 0, RowKind.Value), cancellationToken);
    }

    /// <summary>Adds a tombstone for <paramref name="key"/>.</summary>
    public ValueTask DeleteAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        CheckOpen();
        CheckKey(key.Span);
        return Add(new RowEntry(key.Span, default, 0, RowKind.Tombstone), cancellationToken);
    }

    /// <summary>Adds a merge operand for <paramref name="key"/>.</summary>
    public ValueTask MergeAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> operand, CancellationToken cancellationToken = default)
    {
        CheckOpen();
        CheckKey(key.Span);
        return Add(new RowEntry(key.Span, operand.Span, 0, RowKind.Merge), cancellationToken);
    }

    /// <summary>Writes the filter, index, stats and footer and makes the file visible.</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        CheckOpen();
        _closed = true;
        try
        {
            var info = _builder.Finish();
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            var meta = await _writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            _metadata = new SstMetadata(
                _path,
                _builder.Rows > 0 ? _builder.FirstKey.ToArray() : null,
                _builder.Rows > 0 ? _builder.LastKey.ToArray() : null,
                _builder.Puts,
                _builder.Deletes,
                _builder.Merges,
                meta.Size,
                _builder.BlockCount)
            { Info = info };
        }
        catch
        {
            _failed = true;
            await _writer.AbortAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _builder.Dispose();
        }
    }

    /// <summary>Aborts an unclosed writer: nothing it wrote becomes visible.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            _closed = true;
            _builder.Dispose();
        }

        if (_metadata is null)
        {
            await _writer.AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ValueTask Add(scoped in RowEntry row, CancellationToken cancellationToken)
    {
        if (_builder.Rows > 0)
        {
            var cmp = row.Key.SequenceCompareTo(_builder.LastKey);
            if (cmp <= 0)
            {
                ThrowHelper.Invalid(cmp == 0
                    ? $"SST {_path}: duplicate key {Convert.ToHexString(row.Key)}"
                    : $"SST {_path}: keys must be added in strictly increasing order, but {Convert.ToHexString(row.Key)} follows {Convert.ToHexString(_builder.LastKey)}");
            }
        }

        _builder.Add(row);
        return _builder.Pending.Length >= DrainThreshold ? DrainAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(_builder.Pending, cancellationToken).ConfigureAwait(false);
            _builder.Drained();
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    private void CheckOpen()
    {
        if (_closed)
        {
            ThrowHelper.Invalid($"SST {_path}: the writer is closed");
        }

        if (_failed)
        {
            ThrowHelper.Invalid($"SST {_path}: the writer failed earlier and cannot continue");
        }
    }

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > BlockLimits.MaxKeyLength)
        {
            ThrowHelper.Invalid($"SST {_path}: key length must be 1..{BlockLimits.MaxKeyLength} bytes, got {key.Length}");
        }
    }
}
