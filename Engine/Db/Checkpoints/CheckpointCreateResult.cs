namespace SlateFast;

/// <summary>A checkpoint just created.</summary>
/// <param name="Id">Its id; open a <see cref="DbReader"/> at it or pass it as <see cref="CheckpointOptions.Source"/>.</param>
/// <param name="ManifestId">The manifest version it pins.</param>
public sealed record CheckpointCreateResult(Guid Id, ulong ManifestId);
