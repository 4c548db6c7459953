using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

/// <summary>
/// The iterator's cursor: <see cref="DbIterator.MoveNextAsync"/> positions it on a row that
/// <see cref="DbIterator.Key"/> and <see cref="DbIterator.Value"/> show without copying, until the
/// next move or seek; it yields exactly the rows <see cref="DbIterator.NextAsync"/> does.
/// </summary>
public sealed class DbIteratorCursorTests
{
    [Fact]
    public async Task The_cursor_shows_the_same_rows_as_NextAsync_across_L0_memtable_merges_and_tombstones()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { MergeOperator = MergeOperators.Concat });
        await db.PutAsync(B("a"), B("1"));
        await db.PutAsync(B("b"), B("base"));
        await db.PutAsync(B("c"), B("gone"));
        await db.FlushAsync(FlushType.MemTable);
        await db.MergeAsync(B("b"), B("+op"));
        await db.DeleteAsync(B("c"));
        await db.PutAsync(B("d"), B("4"));

        var copied = new List<string>();
        await foreach (var row in db.ScanAsync(KeyRange.All))
        {
            copied.Add($"{S(row.Key)}={S(row.Value)}@{row.Seq}");
        }

        var cursor = new List<string>();
        await using (var iterator = db.ScanAsync(KeyRange.All))
        {
            while (await iterator.MoveNextAsync())
            {
                cursor.Add($"{S(iterator.Key)}={S(iterator.Value)}@{iterator.Seq}");
            }
        }

        Assert.Equal(["a=1", "b=base+op", "d=4"], copied.Select(r => r[..r.IndexOf('@')]));
        Assert.Equal(copied, cursor);
    }

    [Fact]
    public async Task Reading_the_row_before_the_first_move_or_after_a_seek_is_invalid()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore());
        await db.PutAsync(B("a"), B("1"));
        await db.PutAsync(B("b"), B("2"));
        await using var iterator = db.ScanAsync(KeyRange.All);

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => iterator.Key.Length).Kind);
        Assert.True(await iterator.MoveNextAsync());
        Assert.Equal("a", S(iterator.Key));
        await iterator.SeekAsync(B("b"));
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => iterator.Value.Length).Kind);
        Assert.True(await iterator.MoveNextAsync());
        Assert.Equal("b=2", $"{S(iterator.Key)}={S(iterator.Value)}");
        Assert.False(await iterator.MoveNextAsync());
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => iterator.Key.Length).Kind);
    }
}
