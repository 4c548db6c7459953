using System.Runtime.InteropServices;

namespace SlateFast.Format;

/// <summary>
/// Loads a compression library on first use, so a machine without it can still run databases
/// that never use that codec. The failure is remembered and reported on every use.
/// </summary>
internal sealed class NativeCodecLibrary
{
    private readonly string _codec;
    private readonly string[] _names;
    private readonly Lock _lock = new();
    private nint _handle;
    private string? _failure;

    /// <summary>
    /// Describes a library by the codec that needs it and the file names to try, most specific
    /// first. When the environment variable <paramref name="overrideVariable"/> is set, its value
    /// (a file name or path) is the only one tried: for a library outside the loader's search path.
    /// </summary>
    public NativeCodecLibrary(string codec, string overrideVariable, params string[] names)
    {
        _codec = codec;
        string? chosen = Environment.GetEnvironmentVariable(overrideVariable);
        Requested = !string.IsNullOrEmpty(chosen);
        _names = Requested ? [chosen!] : names;
    }

    /// <summary>Whether the user named the library, so running without it is an error.</summary>
    public bool Requested { get; }

    /// <summary>Loads the library now; <see cref="ErrorKind.Invalid"/>, naming it, if it cannot be loaded.</summary>
    public void EnsureLoaded() => Handle();

    /// <summary>The library's file name as reported in errors.</summary>
    public string PrimaryName => _names[0];

    /// <summary>The address of <paramref name="export"/>; <see cref="ErrorKind.Invalid"/> if the library or symbol is missing.</summary>
    public nint GetExport(string export)
    {
        nint handle = Handle();
        if (!NativeLibrary.TryGetExport(handle, export, out nint address))
        {
            ThrowHelper.Invalid($"{_codec} compression needs {PrimaryName}; the loaded library has no {export}");
        }

        return address;
    }

    private nint Handle()
    {
        lock (_lock)
        {
            if (_handle != 0)
            {
                return _handle;
            }

            if (_failure is null)
            {
                var errors = new List<string>();
                foreach (string name in _names)
                {
                    try
                    {
                        _handle = NativeLibrary.Load(name);
                        return _handle;
                    }
                    catch (DllNotFoundException ex)
                    {
                        errors.Add(ex.Message);
                    }
                    catch (BadImageFormatException ex)
                    {
                        errors.Add(ex.Message);
                    }
                }

                _failure = $"{_codec} compression needs {PrimaryName}, which could not be loaded (install the {_codec} library): "
                    + string.Join("; ", errors);
            }

            return ThrowHelper.Invalid<nint>(_failure);
        }
    }
}
