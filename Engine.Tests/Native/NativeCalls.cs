using System.Text;
using SlateFast.Native;

namespace SlateFast.Tests.Native;

/// <summary>Raw-pointer calls into <see cref="NativeApi"/> shared by the native layer's tests.</summary>
internal static unsafe class NativeCalls
{
    public static nint Open(string url = "memory:///")
    {
        var u = Encoding.UTF8.GetBytes(url + "\0");
        nint db;
        fixed (byte* path = "db\0"u8, up = u)
        {
            Ok(NativeApi.Open(path, up, null, &db));
        }

        return db;
    }

    public static void Put(nint db, string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        fixed (byte* kp = k, vp = v)
        {
            Ok(NativeApi.Put(db, kp, (nuint)k.Length, vp, (nuint)v.Length, null, WriteOptions.NoWait, null));
        }
    }

    public static string? Get(nint db, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        byte present;
        byte* value;
        nuint length;
        fixed (byte* kp = k)
        {
            Ok(NativeApi.Get(db, kp, (nuint)k.Length, null, &present, &value, &length));
        }

        return Take(present, value, length);
    }

    /// <summary>Copies and frees a value the library handed out.</summary>
    public static string? Take(byte present, byte* value, nuint length)
    {
        if (present == 0)
        {
            Assert.True(value is null);
            return null;
        }

        var text = Encoding.UTF8.GetString(value, (int)length);
        NativeApi.BytesFree(value, length);
        return text;
    }

    public static NativeResult Next(nint iterator, out string? row)
    {
        byte present;
        byte* k;
        byte* v;
        nuint kl, vl;
        var result = NativeApi.IteratorNext(iterator, &present, &k, &kl, &v, &vl);
        row = present == 0 ? null : $"{Take(1, k, kl)}={Take(1, v, vl)}";
        return result;
    }

    /// <summary>Every row as "key=value", then closes the iterator.</summary>
    public static List<string> Drain(nint iterator)
    {
        var rows = new List<string>();
        while (true)
        {
            Ok(Next(iterator, out var row));
            if (row is null)
            {
                break;
            }

            rows.Add(row);
        }

        Ok(NativeApi.IteratorClose(iterator));
        return rows;
    }

    public static void Ok(NativeResult result)
    {
        var message = result.MessageText;
        NativeResult.Free(&result);
        Assert.True(result.Kind == 0, $"expected SF_OK, got {(ErrorKind)result.Kind}: {message}");
    }

    public static ErrorKind Kind(NativeResult result)
    {
        Assert.True(result.Kind == 0 || result.Message is not null, "an error carries a message");
        NativeResult.Free(&result);
        return (ErrorKind)result.Kind;
    }
}
