import InvLabCore

/// Registers every plugin of this module.
public enum InvLabDatasetsModule {
    public static let name = "InvLabDatasets"

    public static func register(into registries: inout Registries) throws {
        try registries.register(ORLDataset.self, module: name)
        try registries.register(MNIST5kDataset.self, module: name)
        try registries.register(IDXPairDataset.self, module: name)
        try registries.register(ImageFolderPlugin.self, module: name)
        try registries.register(SyntheticFacesPlugin.self, module: name)
    }
}
