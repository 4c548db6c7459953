using System.Runtime.InteropServices;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// The slice of RocksDB's C API the comparison uses; the same in Debian's librocksdb 7.8 and in
/// the NuGet package's 11.12 (see <see cref="RocksDbLibrary"/> for which one loads). Error
/// out-parameters are char** that RocksDB sets to a malloc'ed message (freed with rocksdb_free)
/// and must point at NULL on entry.
/// </summary>
internal static unsafe partial class RocksDbNative
{
    public const string Library = RocksDbLibrary.Name;

    static RocksDbNative() => RocksDbLibrary.Install();

    [LibraryImport(Library)] public static partial nint rocksdb_options_create();
    [LibraryImport(Library)] public static partial void rocksdb_options_destroy(nint options);
    [LibraryImport(Library)] public static partial void rocksdb_options_set_create_if_missing(nint options, byte value);
    [LibraryImport(Library)] public static partial void rocksdb_options_set_write_buffer_size(nint options, nuint bytes);
    [LibraryImport(Library)] public static partial void rocksdb_options_set_compression(nint options, int type);
    [LibraryImport(Library)] public static partial void rocksdb_options_set_max_background_jobs(nint options, int jobs);
    [LibraryImport(Library)] public static partial void rocksdb_options_set_block_based_table_factory(nint options, nint tableOptions);
    [LibraryImport(Library)] public static partial nint rocksdb_block_based_options_create();
    [LibraryImport(Library)] public static partial void rocksdb_block_based_options_destroy(nint tableOptions);
    [LibraryImport(Library)] public static partial void rocksdb_block_based_options_set_block_size(nint tableOptions, nuint bytes);
    [LibraryImport(Library)] public static partial void rocksdb_block_based_options_set_filter_policy(nint tableOptions, nint policy);
    [LibraryImport(Library)] public static partial void rocksdb_block_based_options_set_block_cache(nint tableOptions, nint cache);
    [LibraryImport(Library)] public static partial nint rocksdb_filterpolicy_create_bloom(double bitsPerKey);
    [LibraryImport(Library)] public static partial nint rocksdb_cache_create_lru(nuint capacity);
    [LibraryImport(Library)] public static partial void rocksdb_cache_destroy(nint cache);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint rocksdb_open(nint options, string name, nint* error);

    [LibraryImport(Library)] public static partial void rocksdb_close(nint db);
    [LibraryImport(Library)] public static partial nint rocksdb_writeoptions_create();
    [LibraryImport(Library)] public static partial void rocksdb_writeoptions_destroy(nint options);
    [LibraryImport(Library)] public static partial void rocksdb_writeoptions_set_sync(nint options, byte sync);
    [LibraryImport(Library)] public static partial nint rocksdb_readoptions_create();
    [LibraryImport(Library)] public static partial void rocksdb_readoptions_destroy(nint options);
    [LibraryImport(Library)] public static partial void rocksdb_put(nint db, nint options, byte* key, nuint keyLength, byte* value, nuint valueLength, nint* error);
    [LibraryImport(Library)] public static partial nint rocksdb_get_pinned(nint db, nint options, byte* key, nuint keyLength, nint* error);
    [LibraryImport(Library)] public static partial byte* rocksdb_pinnableslice_value(nint slice, nuint* length);
    [LibraryImport(Library)] public static partial void rocksdb_pinnableslice_destroy(nint slice);
    [LibraryImport(Library)] public static partial nint rocksdb_writebatch_create();
    [LibraryImport(Library)] public static partial void rocksdb_writebatch_destroy(nint batch);
    [LibraryImport(Library)] public static partial void rocksdb_writebatch_put(nint batch, byte* key, nuint keyLength, byte* value, nuint valueLength);
    [LibraryImport(Library)] public static partial void rocksdb_write(nint db, nint options, nint batch, nint* error);
    [LibraryImport(Library)] public static partial nint rocksdb_flushoptions_create();
    [LibraryImport(Library)] public static partial void rocksdb_flushoptions_destroy(nint options);
    [LibraryImport(Library)] public static partial void rocksdb_flushoptions_set_wait(nint options, byte wait);
    [LibraryImport(Library)] public static partial void rocksdb_flush(nint db, nint options, nint* error);
    [LibraryImport(Library)] public static partial nint rocksdb_create_iterator(nint db, nint options);
    [LibraryImport(Library)] public static partial void rocksdb_iter_destroy(nint iterator);
    [LibraryImport(Library)] public static partial void rocksdb_iter_seek_to_first(nint iterator);
    [LibraryImport(Library)] public static partial void rocksdb_iter_seek(nint iterator, byte* key, nuint keyLength);
    [LibraryImport(Library)] public static partial byte rocksdb_iter_valid(nint iterator);
    [LibraryImport(Library)] public static partial void rocksdb_iter_next(nint iterator);
    [LibraryImport(Library)] public static partial byte* rocksdb_iter_key(nint iterator, nuint* length);
    [LibraryImport(Library)] public static partial byte* rocksdb_iter_value(nint iterator, nuint* length);
    [LibraryImport(Library)] public static partial void rocksdb_iter_get_error(nint iterator, nint* error);
    [LibraryImport(Library)] public static partial void rocksdb_free(nint pointer);

    /// <summary>Throws with RocksDB's message when <paramref name="error"/> is set, and frees it.</summary>
    public static void Check(nint error, string what)
    {
        if (error != 0)
        {
            var message = Marshal.PtrToStringUTF8(error);
            rocksdb_free(error);
            throw new InvalidOperationException($"rocksdb {what}: {message}");
        }
    }
}
