namespace SlateFast;

/// <summary>A WAL object as listed.</summary>
/// <param name="Id">Its WAL id; ids grow by one per object, in commit order.</param>
/// <param name="Path">Its path in the WAL's store.</param>
/// <param name="Size">Its size in bytes (a fence a newer writer wrote may be empty).</param>
/// <param name="LastModified">When the store last wrote it.</param>
public sealed record WalFileInfo(ulong Id, string Path, long Size, DateTimeOffset LastModified);
