"""A SIEM-side consumer of Tracehound's Kafka topics with the Confluent Python client.

librdkafka decodes Tracehound's LZ4 batches by itself, and the client's AvroDeserializer reads
the Confluent wire format through the registry's Confluent-compatible API (Apicurio's
/apis/ccompat/v7). Prints one JSON object per record on stdout; records it cannot decode are
reported on stderr and skipped. Offsets are committed after a record is printed (at least once).

    pip install -r requirements.txt
    python consumer.py --brokers localhost:9092 \
        --registry http://localhost:8081/apis/ccompat/v7 --topic tracehound.alerts --group siem
"""
import argparse
import json
import signal
import sys

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

# Nanosecond timestamps exceed 2^53: Python keeps them exact, but JSON readers in JavaScript
# would not, so integers that large are printed as decimal strings.
SAFE_INTEGER = 2**53 - 1


def jsonable(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > SAFE_INTEGER:
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brokers", default="localhost:9092")
    parser.add_argument("--registry", default="http://localhost:8081/apis/ccompat/v7")
    parser.add_argument("--topic", default="tracehound.alerts")
    parser.add_argument("--group", default="siem-example")
    parser.add_argument("--latest", action="store_true", help="a new group starts at the newest record")
    parser.add_argument("--max-records", type=int, help="stop after this many records")
    args = parser.parse_args()

    deserialize = AvroDeserializer(SchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "auto.offset.reset": "latest" if args.latest else "earliest",
        "enable.auto.commit": False,
    })
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    consumer.subscribe([args.topic])
    seen = 0
    try:
        while running and (args.max_records is None or seen < args.max_records):
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                print(json.dumps({"error": str(message.error())}), file=sys.stderr)
                continue
            key = message.key().decode("utf-8", "replace") if message.key() is not None else None
            where = {"topic": message.topic(), "partition": message.partition(), "offset": message.offset(), "key": key}
            if message.value() is None:
                print(json.dumps({**where, "tombstone": True}), flush=True)
            else:
                try:
                    record = deserialize(message.value(), SerializationContext(message.topic(), MessageField.VALUE))
                    print(json.dumps({**where, "value": jsonable(record)}), flush=True)
                except Exception as err:  # a SIEM should not stop on one bad record
                    print(json.dumps({**where, "error": str(err)}), file=sys.stderr, flush=True)
            consumer.commit(message, asynchronous=False)
            seen += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
