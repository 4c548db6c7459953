using System.Runtime.CompilerServices;

// The regression and smoke tests in Engine.Tests/Fuzz drive the targets and the runner directly.
[assembly: InternalsVisibleTo("Engine.Tests")]
