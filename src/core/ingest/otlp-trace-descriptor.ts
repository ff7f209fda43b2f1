/**
 * The OTLP trace messages as a protobufjs JSON descriptor, so no .proto file has to be found
 * or parsed at run time. Field numbers and types are those of open-telemetry/opentelemetry-proto
 * `trace/v1/trace.proto`, `common/v1/common.proto` and `resource/v1/resource.proto`; field
 * names are the lowerCamelCase of OTLP/JSON, so a decoded message already has the JSON shape.
 * `TracesData` and the collector's `ExportTraceServiceRequest` are the same on the wire (field 1,
 * repeated ResourceSpans). Fields added later are skipped as unknown fields when decoding.
 */
import type { INamespace } from 'protobufjs/light';

const COMMON = 'opentelemetry.proto.common.v1';

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

export const OTLP_TRACE_DESCRIPTOR: INamespace = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
                      fields: {
                        stringValue: { type: 'string', id: 1 },
                        boolValue: { type: 'bool', id: 2 },
                        intValue: { type: 'int64', id: 3 },
                        doubleValue: { type: 'double', id: 4 },
                        arrayValue: { type: 'ArrayValue', id: 5 },
                        kvlistValue: { type: 'KeyValueList', id: 6 },
                        bytesValue: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: repeated('AnyValue', 1) } },
                    KeyValueList: { fields: { values: repeated('KeyValue', 1) } },
                    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
                    InstrumentationScope: {
                      fields: {
                        name: { type: 'string', id: 1 },
                        version: { type: 'string', id: 2 },
                        attributes: repeated('KeyValue', 3),
                        droppedAttributesCount: { type: 'uint32', id: 4 },
                      },
                    },
                    EntityRef: {
                      fields: {
                        schemaUrl: { type: 'string', id: 1 },
                        type: { type: 'string', id: 2 },
                        idKeys: repeated('string', 3),
                        descriptionKeys: repeated('string', 4),
                      },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: {
                        attributes: repeated(`${COMMON}.KeyValue`, 1),
                        droppedAttributesCount: { type: 'uint32', id: 2 },
                        entityRefs: repeated(`${COMMON}.EntityRef`, 3),
                      },
                    },
                  },
                },
              },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    TracesData: { fields: { resourceSpans: repeated('ResourceSpans', 1) } },
                    ResourceSpans: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scopeSpans: repeated('ScopeSpans', 2),
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    ScopeSpans: {
                      fields: {
                        scope: { type: `${COMMON}.InstrumentationScope`, id: 1 },
                        spans: repeated('Span', 2),
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    Span: {
                      fields: {
                        traceId: { type: 'bytes', id: 1 },
                        spanId: { type: 'bytes', id: 2 },
                        traceState: { type: 'string', id: 3 },
                        parentSpanId: { type: 'bytes', id: 4 },
                        flags: { type: 'fixed32', id: 16 },
                        name: { type: 'string', id: 5 },
                        kind: { type: 'int32', id: 6 },
                        startTimeUnixNano: { type: 'fixed64', id: 7 },
                        endTimeUnixNano: { type: 'fixed64', id: 8 },
                        attributes: repeated(`${COMMON}.KeyValue`, 9),
                        droppedAttributesCount: { type: 'uint32', id: 10 },
                        events: repeated('Event', 11),
                        droppedEventsCount: { type: 'uint32', id: 12 },
                        links: repeated('Link', 13),
                        droppedLinksCount: { type: 'uint32', id: 14 },
                        status: { type: 'Status', id: 15 },
                      },
                      nested: {
                        Event: {
                          fields: {
                            timeUnixNano: { type: 'fixed64', id: 1 },
                            name: { type: 'string', id: 2 },
                            attributes: repeated(`${COMMON}.KeyValue`, 3),
                            droppedAttributesCount: { type: 'uint32', id: 4 },
                          },
                        },
                        Link: {
                          fields: {
                            traceId: { type: 'bytes', id: 1 },
                            spanId: { type: 'bytes', id: 2 },
                            traceState: { type: 'string', id: 3 },
                            attributes: repeated(`${COMMON}.KeyValue`, 4),
                            droppedAttributesCount: { type: 'uint32', id: 5 },
                            flags: { type: 'fixed32', id: 6 },
                          },
                        },
                      },
                    },
                    // Enums are read as int32: OTLP/JSON writes them as integers, and an unknown
                    // value must survive decoding rather than fail it.
                    Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

export const TRACES_DATA_TYPE = 'opentelemetry.proto.trace.v1.TracesData';
