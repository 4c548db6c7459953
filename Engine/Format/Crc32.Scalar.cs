using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SlateFast.Format;

internal static partial class Crc32
{
    private const uint ReflectedPolynomial = 0xEDB88320u;

    // Slicing-by-8: table k maps a byte to its CRC contribution when followed by k zero bytes,
    // so eight bytes fold into the state with eight independent lookups per step.
    private static readonly uint[] s_tables = BuildTables();

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            }

            tables[i] = c;
        }

        for (int t = 1; t < 8; t++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = tables[((t - 1) * 256) + i];
                tables[(t * 256) + i] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }

    /// <summary>Advances a raw (pre-inverted) CRC state over <paramref name="data"/>.</summary>
    private static uint UpdateScalar(uint state, ReadOnlySpan<byte> data)
    {
        ref uint table = ref MemoryMarshal.GetArrayDataReference(s_tables);
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        for (; length - i >= 8; i += 8)
        {
            uint lo = state ^ BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, i), 4));
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, i + 4), 4));
            state = Unsafe.Add(ref table, (7 * 256) + (nint)(lo & 0xFF))
                ^ Unsafe.Add(ref table, (6 * 256) + (nint)((lo >> 8) & 0xFF))
                ^ Unsafe.Add(ref table, (5 * 256) + (nint)((lo >> 16) & 0xFF))
                ^ Unsafe.Add(ref table, (4 * 256) + (nint)(lo >> 24))
                ^ Unsafe.Add(ref table, (3 * 256) + (nint)(hi & 0xFF))
                ^ Unsafe.Add(ref table, (2 * 256) + (nint)((hi >> 8) & 0xFF))
                ^ Unsafe.Add(ref table, (1 * 256) + (nint)((hi >> 16) & 0xFF))
                ^ Unsafe.Add(ref table, (nint)(hi >> 24));
        }

        for (; i < length; i++)
        {
            state = Unsafe.Add(ref table, (nint)((state ^ Unsafe.Add(ref p, i)) & 0xFF)) ^ (state >> 8);
        }

        return state;
    }
}
