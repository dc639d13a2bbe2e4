import Foundation
import InvLabCore

/// Builds plots and report.html for a finished or interrupted run.
enum ReportHook {
    static func build(_ directory: URL, columns: ResultColumns?) {
        do {
            try RunReport.build(runDirectory: directory, columns: columns, groups: PlotGroup.defaults)
        } catch {
            printError("warning: report not written: \(error)")
        }
    }
}
