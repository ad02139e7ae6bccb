import Foundation

/// Runs the built `eptcheck` binary, as a user would, and captures what it prints.
struct EptCheckBinary {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The binary beside the test bundle in the build products directory.
  static var url: URL {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return products.appendingPathComponent("eptcheck")
  }

  /// The package root, so tests can name `specs/` and fixtures.
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// Runs the binary. `stdoutPath` sends standard output to a file instead of a pipe (say,
  /// `/dev/full`); `killAfter` kills a run that hangs, so that a hang fails the test instead of
  /// the suite (the status is then the signal's, 128 + 15); `signal` sends a signal once, as a
  /// user's Ctrl-C would.
  static func run(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
    stdoutPath: String? = nil, killAfter: Double? = nil, signal: (Int32, after: Double)? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? packageRoot
    var env = ProcessInfo.processInfo.environment
    // Reports size their traces to COLUMNS; a test gets a fixed width only when it asks.
    env["COLUMNS"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    if let stdoutPath, let handle = FileHandle(forWritingAtPath: stdoutPath) {
      process.standardOutput = handle
    } else {
      process.standardOutput = out
    }
    process.standardError = err
    try process.run()
    if let (number, delay) = signal {
      let running = process
      DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
        if running.isRunning { kill(running.processIdentifier, number) }
      }
    }
    if let killAfter {
      let running = process
      DispatchQueue.global().asyncAfter(deadline: .now() + killAfter) {
        if running.isRunning { running.terminate() }
      }
    }
    // Standard error is read on its own thread: a child that fills both pipes must not block.
    let errBox = DataBox()
    let errRead = DispatchGroup()
    errRead.enter()
    DispatchQueue.global().async {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      errRead.leave()
    }
    let outData = stdoutPath == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    errRead.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// The bytes one thread reads for another.
  final class DataBox: @unchecked Sendable {
    var data = Data()
  }

  /// A fresh temporary directory for files a test writes.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "eptcheck-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
