using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SlateFast.Native;

/// <summary><c>sf_wal_row_t</c>: one WAL row; key and value are lent by the cursor until its next call or close.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeWalRow
{
    public ulong WalId;
    public ulong Seq;
    public int Kind;
    public byte HasCreateTs;
    public byte HasExpireTs;
    public long CreateTs;
    public long ExpireTs;
    public byte* Key;
    public nuint KeyLength;
    public byte* Value;
    public nuint ValueLength;
}

internal static unsafe partial class NativeApi
{
    private const int WalStartBeginning = 0;
    private const int WalStartEnd = 1;
    private const int WalStartAtWalId = 2;
    private const int WalStartAfterSeq = 3;
    private const int WalStartAfter = 4;

    /// <summary><c>sf_wal_reader_open</c>: a reader of a database's WAL; reads only, never fences a writer.</summary>
    public static NativeResult WalReaderOpen(byte* path, byte* storeUrl, byte* optionsJson, nint* outReader)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outReader, "out_reader");
            *outReader = 0;
            var dbPath = NativeStrings.Read(path) ?? ThrowHelper.Invalid<string>("path must not be NULL");
            var url = NativeStrings.Read(storeUrl);
            var options = WalReaderOptionsJson.Parse(NativeStrings.Read(optionsJson));
            var store = url is null ? ObjectStore.ObjectStores.Local(Environment.CurrentDirectory) : ObjectStore.ObjectStores.FromUrl(url);
            *outReader = Handles.Add(new NativeWalReader(new WalReader(dbPath, store, options)));
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_wal_reader_list</c>: the WAL objects with start &lt;= id &lt; end (0: unbounded) as a JSON array.</summary>
    public static NativeResult WalReaderList(nint reader, ulong startId, ulong endId, byte** outJson)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outJson, "out_json");
            *outJson = null;
            var files = Wait(WalReaderOf(reader).Reader.ListAsync(startId == 0 ? null : startId, endId == 0 ? null : endId));
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                foreach (var f in files)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", f.Id);
                    json.WriteString("path", f.Path);
                    json.WriteNumber("size", f.Size);
                    json.WriteNumber("last_modified_ms", f.LastModified.ToUnixTimeMilliseconds());
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            *outJson = CopyWithNul(buffer.WrittenSpan);
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_wal_reader_read</c>: a cursor over one WAL object's rows in stored order; it ends after the last.</summary>
    public static NativeResult WalReaderRead(nint reader, ulong walId, nint* outCursor)
    {
        try
        {
            RequireOut(outCursor, "out_cursor");
            *outCursor = 0;
            var owner = WalReaderOf(reader);
            var rows = Wait(owner.Reader.ReadAsync(walId));
            *outCursor = AddChild(new NativeWalCursor(_ => Enumerate(rows), owner));
            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }

        static async IAsyncEnumerable<WalRow> Enumerate(IReadOnlyList<WalRow> rows)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    /// <summary><c>sf_wal_reader_follow</c>: a cursor over every row from the start on, in commit order, that never ends.</summary>
    public static NativeResult WalReaderFollow(nint reader, int start, ulong walId, ulong seq, nint* outCursor)
    {
        return NativeResult.Guard(() =>
        {
            RequireOut(outCursor, "out_cursor");
            *outCursor = 0;
            var owner = WalReaderOf(reader);
            var from = start switch
            {
                WalStartBeginning => WalStart.Beginning,
                WalStartEnd => WalStart.End,
                WalStartAtWalId => WalStart.AtWalId(walId),
                WalStartAfterSeq => WalStart.AfterSeq(seq),
                WalStartAfter => WalStart.After(walId, seq),
                _ => ThrowHelper.Invalid<WalStart>($"start must be one of SF_WAL_START_*, got {start}"),
            };
            *outCursor = AddChild(new NativeWalCursor(token => owner.Reader.FollowAsync(from, token), owner));
            return NativeResult.Ok;
        });
    }

    /// <summary>
    /// <c>sf_wal_cursor_next</c>: waits up to <paramref name="timeoutMs"/> (negative: without limit)
    /// for the next row. <c>*out_present</c> false: a read cursor has ended, or a follower had no
    /// new row in time (call again; the wait continues where it stopped).
    /// </summary>
    public static NativeResult WalCursorNext(nint cursor, long timeoutMs, byte* outPresent, NativeWalRow* outRow)
    {
        // The data path writes out NativeResult.Guard, whose closure would allocate per call.
        try
        {
            RequireOut(outPresent, "out_present");
            RequireOut(outRow, "out_row");
            *outPresent = 0;
            *outRow = default;
            if (Lookup<NativeWalCursor>(cursor, "sf_wal_cursor_t").Next(timeoutMs, outRow))
            {
                *outPresent = 1;
            }

            return NativeResult.Ok;
        }
        catch (Exception e)
        {
            return NativeResult.From(e);
        }
    }

    /// <summary><c>sf_wal_cursor_close</c>: stops a follower and frees the cursor; a second close is Invalid.</summary>
    public static NativeResult WalCursorClose(nint cursor)
    {
        return NativeResult.Guard(() =>
        {
            FreeChild<NativeWalCursor>(cursor, "sf_wal_cursor_t");
            return NativeResult.Ok;
        });
    }

    /// <summary><c>sf_wal_reader_close</c>: closes the reader and its cursors; a second close is Invalid.</summary>
    public static NativeResult WalReaderClose(nint reader)
    {
        return NativeResult.Guard(() =>
        {
            var native = Handles.TryGet<NativeWalReader>(reader, out var target) switch
            {
                HandleState.Live => target,
                HandleState.Closed => ThrowHelper.Invalid<NativeWalReader>($"the sf_wal_reader_t handle 0x{reader:x} is already closed"),
                _ => WalReaderOf(reader),
            };
            if (!Handles.Retire(reader, native, reusable: true))
            {
                ThrowHelper.Invalid($"the sf_wal_reader_t handle 0x{reader:x} is already closed");
            }

            native.CloseChildren();
            return NativeResult.Ok;
        });
    }

    private static NativeWalReader WalReaderOf(nint token) => Lookup<NativeWalReader>(token, "sf_wal_reader_t");
}

/// <summary>What an <c>sf_wal_reader_t</c> names: a <see cref="WalReader"/> and the cursors it handed out.</summary>
internal sealed class NativeWalReader(WalReader reader) : NativeParent
{
    public WalReader Reader { get; } = reader;
}

/// <summary>
/// What an <c>sf_wal_cursor_t</c> names: rows of one WAL object, or a follower. A wait that times
/// out keeps its pending step, so the next call continues it rather than starting another (an
/// async enumerator allows one step at a time). The gate serialises C callers.
/// </summary>
internal sealed unsafe class NativeWalCursor : INativeOwnedChild
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<WalRow> _rows;
    private readonly Lock _gate = new();
    private Task<bool>? _pending;
    private bool _closed;
    private int _closing;

    private readonly LentRow _lent = new();

    public NativeWalCursor(Func<CancellationToken, IAsyncEnumerable<WalRow>> rows, NativeParent owner)
    {
        _rows = rows(_stop.Token).GetAsyncEnumerator(_stop.Token);
        Owner = owner;
    }

    public NativeParent Owner { get; }

    public nint Token { get; set; }

    public bool Next(long timeoutMs, NativeWalRow* row)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the WAL cursor's reader is closed");
            }

            _pending ??= _rows.MoveNextAsync().AsTask();
            if (timeoutMs >= 0 && !_pending.IsCompleted)
            {
                try
                {
                    _pending.Wait(TimeSpan.FromMilliseconds(Math.Min(timeoutMs, int.MaxValue)));
                }
                catch (AggregateException)
                {
                    // It failed: reported below with its own exception.
                }

                if (!_pending.IsCompleted)
                {
                    return false;
                }
            }

            var step = _pending;
            _pending = null;
            bool more;
            try
            {
                more = NativeApi.Wait(step);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, "the WAL cursor was closed while it waited");
            }

            if (!more)
            {
                return false;
            }

            Lend(_rows.Current, row);
            return true;
        }
    }

    // Under _gate.
    private void Lend(WalRow source, NativeWalRow* row)
    {
        var (key, value) = _lent.Lend(source.Key, source.Value, source.Value is not null);
        *row = new NativeWalRow
        {
            WalId = source.WalId,
            Seq = source.Seq,
            Kind = (int)source.Kind,
            HasCreateTs = source.CreateTs is null ? (byte)0 : (byte)1,
            CreateTs = source.CreateTs ?? 0,
            HasExpireTs = source.ExpireTs is null ? (byte)0 : (byte)1,
            ExpireTs = source.ExpireTs ?? 0,
            Key = (byte*)key,
            KeyLength = (nuint)source.Key.Length,
            Value = (byte*)value,
            ValueLength = (nuint)(source.Value?.Length ?? 0),
        };
    }

    public void CloseWithDb() => Close();

    /// <summary>Stops a waiting follower, then releases the enumerator and the lent memory.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        // Before the gate: a caller waiting without a limit holds it until its step ends.
        _stop.Cancel();
        lock (_gate)
        {
            _closed = true;
            try
            {
                // The step in flight ends on the cancellation; the enumerator may only be
                // disposed once it has.
                _pending?.Wait(TimeSpan.FromMinutes(1));
            }
            catch (AggregateException)
            {
                // Cancelled or failed: either way it is over.
            }

            if (_pending is null || _pending.IsCompleted)
            {
                NativeApi.Wait(_rows.DisposeAsync());
            }

            _lent.Free();
            _stop.Dispose();
        }
    }
}

/// <summary>
/// The <c>options_json</c> of <c>sf_wal_reader_open</c>: <c>wal_store_url</c>, and the poll
/// interval as <c>poll_interval</c> (a duration, <c>"500ms"</c>) or <c>poll_interval_ms</c>.
/// Unknown keys and bad values are Invalid, naming the key.
/// </summary>
internal static class WalReaderOptionsJson
{
    public static WalReaderOptions Parse(string? json)
    {
        var options = new WalReaderOptions();
        if (string.IsNullOrWhiteSpace(json))
        {
            return options;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"options_json is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                ThrowHelper.Invalid("options_json must be a JSON object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                options = property.Name switch
                {
                    "wal_store_url" when value.ValueKind == JsonValueKind.String =>
                        options with { WalObjectStore = ObjectStore.ObjectStores.FromUrl(value.GetString()!) },
                    "poll_interval_ms" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms > 0 =>
                        options with { PollInterval = TimeSpan.FromMilliseconds(ms) },
                    "poll_interval" when value.ValueKind == JsonValueKind.String =>
                        options with { PollInterval = Durations.TryParse(value.GetString()!, "poll_interval", out var error) ?? ThrowHelper.Invalid<TimeSpan>(error) },
                    "wal_store_url" or "poll_interval_ms" or "poll_interval" =>
                        ThrowHelper.Invalid<WalReaderOptions>($"options_json \"{property.Name}\" has a bad value: {value.GetRawText()}"),
                    _ => ThrowHelper.Invalid<WalReaderOptions>($"options_json has an unknown key \"{property.Name}\": sf_wal_reader_open takes wal_store_url, poll_interval and poll_interval_ms"),
                };
            }
        }

        return options;
    }
}
