using System.Collections.Immutable;

namespace SlateFast.Db;

/// <summary>
/// The memtables a reader must consult, swapped as a whole (copy on write) so a reader sees one
/// consistent list: the active memtable, then frozen ones newest first.
/// </summary>
internal sealed record MemtableSet(Memtables.Memtable Active, ImmutableArray<Memtables.Memtable> Frozen)
{
    public IEnumerable<Memtables.Memtable> NewestFirst
    {
        get
        {
            yield return Active;
            foreach (var m in Frozen)
            {
                yield return m;
            }
        }
    }
}
