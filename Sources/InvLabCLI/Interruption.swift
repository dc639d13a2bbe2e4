import Foundation

/// Turns SIGINT (Ctrl-C) and SIGTERM (`kill`, Slurm's `scancel`) into a flag that long loops poll: the current step finishes, finished
/// work is written, and the command exits with 130. A second Ctrl-C exits at once.
enum Interruption {
    private static let lock = NSLock()
    /// `nonisolated(unsafe)`: every read and write holds `lock`.
    nonisolated(unsafe) private static var requested = false
    /// `nonisolated(unsafe)`: only `install()` reads and writes it, once, from the command's
    /// thread before any work starts.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static var isRequested: Bool {
        lock.lock(); defer { lock.unlock() }
        return requested
    }

    /// Installs the handler (once).
    static func install() {
        guard sources.isEmpty else { return }
        for (number, message) in [(SIGINT, "interrupt: finishing the current step and writing completed trials (Ctrl-C again to quit at once)"),
                                  (SIGTERM, "terminated: finishing the current step, recording the unit or trial as interrupted")] {
            signal(number, SIG_IGN)
            let signalSource = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue.global())
            signalSource.setEventHandler {
                lock.lock()
                let second = requested
                requested = true
                lock.unlock()
                if second { _exit(130) }
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
            }
            signalSource.resume()
            sources.append(signalSource)
        }
    }
}
