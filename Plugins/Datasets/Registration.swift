import InvLabCore

/// Registers every plugin of this module.
public enum InvLabDatasetsModule {
    public static let name = "InvLabDatasets"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            ORLDataset.self, MNIST5kDataset.self, IDXPairDataset.self, ImageFolderPlugin.self,
            SyntheticFacesPlugin.self], module: name)
    }
}
