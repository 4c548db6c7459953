using System.Globalization;
using FsCheck.Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SlateFast.Tests;

/// <summary>
/// A property test: FsCheck.Xunit's <c>[Property]</c> (same settings: <c>MaxTest</c>, <c>Arbitrary</c>,
/// <c>Replay</c>, <c>Verbose</c>, ...) that starts from the run seed of <see cref="PropertySeed"/> and
/// writes that seed as the first line of its output, whether it passes or fails. A failure is replayed
/// by running the test again with <c>SLATEFAST_TEST_SEED</c> set to the printed seed, or by pasting the
/// printed pair into <c>Replay</c> (FsCheck's failure message also names the pair of the failing step).
/// </summary>
[XunitTestCaseDiscoverer("SlateFast.Tests.SeededPropertyDiscoverer", "Engine.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SeededPropertyAttribute : PropertyAttribute
{
    public SeededPropertyAttribute() => Replay = PropertySeed.Replay;
}

/// <summary>
/// The seed every property test of one test run starts from: <c>SLATEFAST_TEST_SEED</c> when it is
/// set (replay), otherwise a fresh one per run (exploration). It is also a valid <see cref="Random"/>
/// seed, so one value replays the property tests and the <see cref="Format.TestSeed"/> tests alike.
/// </summary>
public static class PropertySeed
{
    public const string Variable = "SLATEFAST_TEST_SEED";

    /// <summary>FsCheck's generator takes a seed and an odd increment; the increment is fixed, so the seed alone names a run.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Run { get; } =
        ulong.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var pinned)
            ? pinned
            : (ulong)Random.Shared.Next(1, int.MaxValue);

    /// <summary>The run seed in the form of <c>[SeededProperty(Replay = ...)]</c>.</summary>
    public static string Replay { get; } = string.Create(CultureInfo.InvariantCulture, $"{Run},{Gamma}");

    internal static string Note(string? replay) => replay == Replay
        ? $"FsCheck seed {Run}: replay with {Variable}={Run} or [SeededProperty(Replay = \"{replay}\")]{Environment.NewLine}"
        : $"FsCheck seed pinned by the test: Replay = \"{replay}\"{Environment.NewLine}";
}

/// <summary>Makes <see cref="SeededPropertyTestCase"/>s of the methods marked <see cref="SeededPropertyAttribute"/>.</summary>
public sealed class SeededPropertyDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new SeededPropertyTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod),
    ];
}

/// <summary>FsCheck.Xunit's test case, with the seed note put in front of the output of its result.</summary>
public sealed class SeededPropertyTestCase : PropertyTestCase
{
    [Obsolete("Called by the xunit runner when it deserializes a test case")]
    public SeededPropertyTestCase()
    {
    }

    public SeededPropertyTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod, null)
    {
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var attribute = TestMethod.Method.GetCustomAttributes(typeof(SeededPropertyAttribute)).Single();
        var note = PropertySeed.Note(attribute.GetNamedArgument<string>(nameof(PropertyAttribute.Replay)));
        if (aggregator.ToException() is { } setupFailure)
        {
            // A fixture failed (e.g. the S3 server is not there). FsCheck.Xunit would not look and
            // would run the property against the broken fixture; fail with the cause instead, as a Fact does.
            var test = new XunitTest(this, DisplayName);
            messageBus.QueueMessage(new TestCaseStarting(this));
            messageBus.QueueMessage(new TestStarting(test));
            messageBus.QueueMessage(new TestFailed(test, 0, note, setupFailure));
            messageBus.QueueMessage(new TestFinished(test, 0, note));
            messageBus.QueueMessage(new TestCaseFinished(this, 0, 1, 1, 0));
            return Task.FromResult(new RunSummary { Total = 1, Failed = 1 });
        }

        return base.RunAsync(diagnosticMessageSink, new NotingBus(messageBus, note), constructorArguments, aggregator, cancellationTokenSource);
    }

    private sealed class NotingBus(IMessageBus inner, string note) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message) => inner.QueueMessage(message switch
        {
            ITestPassed passed => new TestPassed(passed.Test, passed.ExecutionTime, note + passed.Output),
            ITestFailed failed => new TestFailed(failed.Test, failed.ExecutionTime, note + failed.Output,
                failed.ExceptionTypes, failed.Messages, failed.StackTraces, failed.ExceptionParentIndices),
            _ => message,
        });

        public void Dispose()
        {
            // The runner owns the bus it lent.
        }
    }
}
