namespace SlateFast.Fuzz;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: Engine.Fuzz <target> [--seconds N] [--seed S]");
        return args.Length == 0 ? 2 : 0;
    }
}
