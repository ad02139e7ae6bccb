import Foundation
import Testing

/// Every kind of bad input gets one clear error line and its exit code, never a crash.
@Suite struct BadInputTests {
  @Test(arguments: [
    (["--depth", "0"], "Error: --depth must be at least 1, not 0"),
    (["--depth", "x"], "Error: The value 'x' is invalid for '--depth <depth>'"),
    (["--shard", "3/2"], "Error: The value '3/2' is invalid for '--shard <shard>'"),
    (["--shard", "0/2"], "Error: The value '0/2' is invalid for '--shard <shard>'"),
    (["--jobs", "0"], "Error: --jobs must be at least 1, not 0"),
    (
      ["--strategy", "bfs"],
      "Error: The value 'bfs' is invalid for '--strategy <strategy>'. Please provide one of the following:"
    ),
    (
      ["--format", "xml"],
      "Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'text', 'json' or 'html'."
    ),
    (["--timeout=0"], "Error: --timeout must be positive"),
    (["--no-such-flag"], "Error: Unknown option '--no-such-flag'"),
  ])
  func badUsageExits64(arguments: [String], firstLine: String) throws {
    let result = try EptCheckBinary.run(arguments)
    #expect(result.status == 64)
    #expect(result.stderr.split(separator: "\n").first.map(String.init) == firstLine)
    #expect(result.stdout == "")
  }

  @Test func missingSpecPathExits65() throws {
    let result = try EptCheckBinary.run(["no/such/dir"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("no/such/dir"))
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test func missingTraceFileExits65() throws {
    let result = try EptCheckBinary.run(["replay", "no-such-trace.json"])
    #expect(result.status == 65)
    #expect(result.stderr == "error: no-such-trace.json: no such file, or it cannot be read\n")
  }

  @Test(arguments: [
    ("garbage", "not json at all"),
    ("truncated", #"{"version":1,"steps":[{"thread":0,"cho"#),
    ("wrong-shape", #"{"version":1,"steps":"0,1"}"#),
  ])
  func corruptTraceExits65(name: String, content: String) throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("\(name).json").path
    try content.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try EptCheckBinary.run(["replay", path])
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(path): not a trace: expected a trace JSON object or a JSON Lines report with a violation record\n"
    )
  }

  @Test func unsupportedTraceVersionExits65() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("future.json").path
    try #"{"version":99,"steps":[]}"#.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try EptCheckBinary.run(["replay", path])
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(path): trace format version 99 is not supported (this eptcheck reads version 1)\n")
  }
}
