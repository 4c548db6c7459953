namespace SlateFast.Format;

/// <summary>What a row records for its key at its sequence number.</summary>
public enum RowKind : byte
{
    /// <summary>A put: the value is the key's value.</summary>
    Value = 0,

    /// <summary>A delete: the row has no value.</summary>
    Tombstone = 1,

    /// <summary>A merge operand: the value is folded onto older versions by the merge operator.</summary>
    Merge = 2,
}
