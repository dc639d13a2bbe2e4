import Foundation
import InvLabCore

/// Builds plots and report.html for a finished or interrupted run.
enum ReportHook {
    static func build(_ directory: URL, columns: ResultColumns?) {
        do {
            try RunReport.build(runDirectory: directory, columns: columns)
        } catch {
            printError("warning: report not written: \(error)")
        }
    }
}
