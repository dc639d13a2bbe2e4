import Foundation
import InvLabBuiltins
import InvLabCLI
import InvLabCore
import TemperatureDefense

// The team's invlab: every built-in plugin plus the temperature defense.
do {
    var registries = try Builtins.registries()
    try TemperatureDefenseModule.register(into: &registries)
    InvlabMain.run(registries: registries)
} catch {
    print("error: \(error)")
    exit(1)
}
