"""Produces messages with kafka-python's KafkaProducer and prints where each one landed.

Usage: /usr/bin/python3 kafka_python_producer.py BROKER TOPIC COUNT PREFIX COMPRESSION

COMPRESSION is "none" or a kafka-python codec ("gzip"). Message i has key "key-<i % 7>", value
"<PREFIX>-<i>" and headers source=kafka-python, index=<i>. acks='all'; the broker version is left
for kafka-python to infer from ApiVersions. Prints one JSON line per message ({"value", "partition",
"offset"}) and then {"apiVersion": [...]}, the version kafka-python inferred.
"""
import json
import sys

from kafka import KafkaProducer


def main():
    broker, topic, count, prefix, compression = sys.argv[1:]
    producer = KafkaProducer(
        bootstrap_servers=broker,
        client_id='kafka-python-producer',
        acks='all',
        compression_type=None if compression == 'none' else compression,
        linger_ms=5,
    )
    try:
        pending = []
        for i in range(int(count)):
            value = '%s-%d' % (prefix, i)
            future = producer.send(
                topic,
                key=('key-%d' % (i % 7)).encode(),
                value=value.encode(),
                headers=[('source', b'kafka-python'), ('index', str(i).encode())],
            )
            pending.append((value, future))
        producer.flush(timeout=20)
        for value, future in pending:
            metadata = future.get(timeout=20)
            print(json.dumps({'value': value, 'partition': metadata.partition, 'offset': metadata.offset}))
        print(json.dumps({'apiVersion': list(producer.config['api_version'])}), flush=True)
    finally:
        producer.close(timeout=10)


if __name__ == '__main__':
    main()
