import Foundation
import InvLabCore

/// Builds plots and report.html for a finished or interrupted run.
enum ReportHook {
    static func build(_ directory: URL) {
        // The report builder lands with the evaluation-and-results module; until then runs end
        // with their tables, grids and arrays only.
    }
}
