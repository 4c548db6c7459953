namespace SlateFast;

/// <summary>What <see cref="DbAdmin.DeleteDatabaseAsync"/> deleted; all zero when there was nothing (a second deletion).</summary>
/// <param name="ObjectsDeleted">Objects deleted, the WAL store's included.</param>
/// <param name="BytesDeleted">Their total size.</param>
/// <param name="WalObjectsDeleted">Of those, objects of the separate WAL store (<see cref="DbOptions.WalObjectStore"/>); 0 without one.</param>
public sealed record DeleteDatabaseResult(int ObjectsDeleted, long BytesDeleted, int WalObjectsDeleted);
