using System.Security.Cryptography;
using System.Text;

namespace SlateFast.TestHost;

/// <summary>
/// The deterministic workload of <c>db-writer</c>. The checker derives the same keys and values,
/// so it can judge writes it never saw acknowledged (a batch half present, a task's later op
/// present without an earlier one) and not only the acknowledged ones.
/// </summary>
internal static class CrashWorkload
{
    /// <summary>Every fourth op of a task is a batch of 2..4 keys (all or nothing), the rest single puts.</summary>
    public static int PartsOf(int seed, int task, long n) =>
        n % 4 == 3 ? 2 + (int)(Mix(seed, task, n) % 3) : 1;

    /// <summary>Keys embed the seed, so every round (a new seed) writes keys no earlier round wrote.</summary>
    public static byte[] Key(int seed, int task, long n, int part) =>
        Encoding.UTF8.GetBytes($"crash/{seed:x8}/t{task:d2}/{n:d8}/{part}");

    /// <summary>0..255 bytes derived from the key: a value that belongs to another key or is cut short is detected.</summary>
    public static byte[] Value(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        var value = new byte[hash[0]];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)(hash[i % 32] ^ i);
        }

        return value;
    }

    private static ulong Mix(int seed, int task, long n)
    {
        var x = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)task << 40) ^ (ulong)n;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        return x;
    }
}
