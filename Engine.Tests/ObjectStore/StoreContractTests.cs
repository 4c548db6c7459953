using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.ObjectStore;

public sealed class LocalObjectStoreContractTests : ObjectStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("local-store");
    private readonly LocalObjectStore _store;

    public LocalObjectStoreContractTests() => _store = new LocalObjectStore(_folder.Path);

    protected override IObjectStore Store => _store;

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// The same contract through named temporary files, the protocol a filesystem without unnamed
/// files (FUSE, NFS) gets, so both ways of creating an object stay covered on any test machine.
/// </summary>
public sealed class LocalObjectStoreNamedFilesContractTests : ObjectStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("local-store-named");
    private readonly LocalObjectStore _store;

    public LocalObjectStoreNamedFilesContractTests() => _store = new LocalObjectStore(_folder.Path) { UnnamedFiles = false };

    protected override IObjectStore Store => _store;

    public void Dispose() => _folder.Dispose();
}

public sealed class InMemoryObjectStoreContractTests : ObjectStoreContract
{
    protected override IObjectStore Store { get; } = new InMemoryObjectStore();
}

[Collection(S3ServerCollection.Name)]
public sealed class S3ObjectStoreContractTests(S3Server server) : ObjectStoreContract
{
    protected override IObjectStore Store { get; } = server.CreateStore();

    protected override IObjectStore MultipartStore { get; } = server.CreateStore(multipartThreshold: S3StoreOptions.MinPartSize);
}
