"""KafkaAdminClient operations for the kafka-python spec; prints one JSON object.

Usage:
  /usr/bin/python3 kafka_python_admin.py BROKER create-topic NAME PARTITIONS
      -> {"created": NAME} or {"error": "<kafka.errors class>", "message": "..."}
  /usr/bin/python3 kafka_python_admin.py BROKER groups GROUP
      -> {"listed": [[group, protocolType], ...], "described": {group, state, protocolType, protocol,
          members: [{memberId, clientId, clientHost, subscription, assignment: {topic: [partitions]}}]}}
Every object also has "apiVersion", the broker version kafka-python inferred from ApiVersions.
"""
import json
import sys

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError


def create_topic(admin, name, partitions):
    try:
        admin.create_topics([NewTopic(name, int(partitions), 1)])
        return {'created': name}
    except KafkaError as error:
        return {'error': type(error).__name__, 'message': str(error)}


def member(info):
    assignment = {}
    if info.member_assignment is not None:
        for topic, partitions in info.member_assignment.assignment:
            assignment[topic] = sorted(partitions)
    return {
        'memberId': info.member_id,
        'clientId': info.client_id,
        'clientHost': info.client_host,
        'subscription': list(info.member_metadata.subscription) if info.member_metadata else [],
        'assignment': assignment,
    }


def groups(admin, group):
    [described] = admin.describe_consumer_groups([group])
    return {
        'listed': sorted([name, protocol_type] for name, protocol_type in admin.list_consumer_groups()),
        'described': {
            'group': described.group,
            'state': described.state,
            'protocolType': described.protocol_type,
            'protocol': described.protocol,
            'members': sorted((member(m) for m in described.members), key=lambda m: m['memberId']),
        },
    }


def main():
    broker, command, *args = sys.argv[1:]
    admin = KafkaAdminClient(bootstrap_servers=broker, client_id='kafka-python-admin')
    try:
        if command == 'create-topic':
            result = create_topic(admin, *args)
        elif command == 'groups':
            result = groups(admin, *args)
        else:
            raise SystemExit('unknown command %s' % command)
        result['apiVersion'] = list(admin.config['api_version'])
        print(json.dumps(result), flush=True)
    finally:
        admin.close()


if __name__ == '__main__':
    main()
