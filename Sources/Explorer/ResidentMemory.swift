#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's resident memory, read cheaply enough to check during a search.
///
/// Memory is a property of the process, not of one exploration: with several scenarios or
/// subtrees at once (`--jobs`), every one of them sees the total.
public enum ResidentMemory {
  /// The resident set size now, in bytes (`/proc/self/statm` on Linux); `nil` where unknown.
  public static func current() -> Int? {
    #if os(Linux)
      let descriptor = open("/proc/self/statm", O_RDONLY)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var buffer = [UInt8](repeating: 0, count: 128)
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { return nil }
      // The second field is the resident size in pages.
      let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
      guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else {
        return nil
      }
      return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
      return peak()
    #endif
  }

  /// The most resident memory the process has held so far, in bytes (`getrusage`).
  public static func peak() -> Int? {
    var usage = rusage()
    #if os(Linux)
      guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
      return Int(usage.ru_maxrss) * 1024
    #else
      guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
      return Int(usage.ru_maxrss)
    #endif
  }
}
