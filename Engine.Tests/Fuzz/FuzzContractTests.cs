using SlateFast.Fuzz;

namespace SlateFast.Tests.Fuzz;

/// <summary>
/// The rule both fuzzing modes (the mutation fuzzer and AFL++) apply to a decoder: it may return
/// or refuse the input as <see cref="ErrorKind.Data"/>; every other exception must escape, since
/// under AFL an escaping exception is the only way a finding is recorded.
/// </summary>
public sealed class FuzzContractTests
{
    [Fact]
    public void Accepted_and_refused_inputs_are_allowed_outcomes()
    {
        Assert.True(FuzzContract.Run(new Target(_ => { }), [1]));
        Assert.False(FuzzContract.Run(new Target(_ => throw new SlateFastException(ErrorKind.Data, "corrupt")), [1]));
    }

    [Theory]
    [InlineData(ErrorKind.Invalid)]
    [InlineData(ErrorKind.Internal)]
    public void Any_other_error_kind_escapes(ErrorKind kind) =>
        Assert.Equal(kind.ToString(), Assert.Throws<SlateFastException>(() =>
            FuzzContract.Run(new Target(_ => throw new SlateFastException(kind, kind.ToString())), [1])).Message);

    [Fact]
    public void Any_other_exception_escapes() =>
        Assert.Throws<IndexOutOfRangeException>(() => FuzzContract.Run(new Target(_ => throw new IndexOutOfRangeException()), [1]));

    private sealed class Target(Action<byte[]> run) : IFuzzTarget
    {
        public string Name => "test";

        public void Run(ReadOnlySpan<byte> input) => run(input.ToArray());

        public IEnumerable<byte[]> Seeds() => [];
    }
}
