"""A kafka-python KafkaConsumer in a consumer group, until SIGTERM (then it commits and leaves).

Usage: /usr/bin/python3 kafka_python_consumer.py BROKER TOPIC GROUP

Prints one JSON line per event, flushed at once so the test sees it as it happens:
  {"assigned": [partitions]} / {"revoked": [partitions]}  on each rebalance
  {"partition", "offset", "key", "value", "headers"}      for each message
  {"closed": true}                                        after a clean close
"""
import json
import signal
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer


def emit(event):
    print(json.dumps(event), flush=True)


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit({'revoked': sorted(tp.partition for tp in revoked)})

    def on_partitions_assigned(self, assigned):
        emit({'assigned': sorted(tp.partition for tp in assigned)})


def main():
    broker, topic, group = sys.argv[1:]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    consumer = KafkaConsumer(
        bootstrap_servers=broker,
        group_id=group,
        client_id='kafka-python-consumer',
        auto_offset_reset='earliest',
        enable_auto_commit=True,
        auto_commit_interval_ms=100,
        session_timeout_ms=6000,
        heartbeat_interval_ms=300,
        fetch_max_wait_ms=100,
    )
    consumer.subscribe(topics=[topic], listener=Listener())
    while not stopping:
        for records in consumer.poll(timeout_ms=100).values():
            for record in records:
                emit({
                    'partition': record.partition,
                    'offset': record.offset,
                    'key': record.key.decode() if record.key is not None else None,
                    'value': record.value.decode(),
                    'headers': {name: value.decode() for name, value in record.headers},
                })
    consumer.close()
    emit({'closed': True})


if __name__ == '__main__':
    main()
