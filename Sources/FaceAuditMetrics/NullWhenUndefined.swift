/// A value that is written as JSON `null` when undefined (instead of the key being left out), as the
/// output contract says of every undefined statistic.
@propertyWrapper
public struct NullWhenUndefined<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The value; nil when undefined.
    public var wrappedValue: Value?

    /// Wraps a value.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key is an undefined value.
    public func decode<Value>(_ type: NullWhenUndefined<Value>.Type, forKey key: Key) throws -> NullWhenUndefined<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullWhenUndefined(wrappedValue: nil)
    }
}
