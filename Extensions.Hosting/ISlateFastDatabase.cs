namespace SlateFast.Extensions.Hosting;

/// <summary>
/// The database <c>AddSlateFast</c> registered, opened when the host starts and closed when it
/// stops. Inject this where the host builds the service before it starts (hosted services,
/// <c>BackgroundService</c>s) and read <see cref="Handle"/> once it has started; anything the
/// host resolves later may inject <see cref="DbHandle"/> directly.
/// </summary>
public interface ISlateFastDatabase
{
    /// <summary>
    /// The open database. Throws <see cref="InvalidOperationException"/> before the host has
    /// started; after the host stopped it is the closed handle, whose calls fail with
    /// <see cref="ErrorKind.Closed"/>.
    /// </summary>
    DbHandle Handle { get; }

    /// <summary>Whether the database has been opened (it may have closed since: see <see cref="DbHandle.CloseReason"/>).</summary>
    bool IsOpened { get; }
}
