import Dispatch
import Foundation

/// Applies `transform` to `0..<count` on up to `threads` threads; results keep index order, so they
/// never depend on the number of threads.
public func parallelMap<T: Sendable>(count: Int, threads: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: count)
    let workers = max(1, min(threads, count))
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let index = next.increment()
            guard index < count else { return }
            results.set(index, transform(index))
        }
    }
    return results.values()
}

/// Slots written once each from several threads, read after all writers finish.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }
    func values() -> [T] { lock.withLock { slots.map { $0! } } }
}

/// A shared work counter.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}
