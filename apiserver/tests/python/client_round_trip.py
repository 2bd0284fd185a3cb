"""The official Python `kubernetes` client against kube-apiserver: create, read, list (with a
label selector), watch, update (and a stale update's 409), delete. Prints OK on success;
any failed assertion exits non-zero."""

import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()
NS = "default"

cm = client.V1ConfigMap(
    metadata=client.V1ObjectMeta(name="py", labels={"app": "py"}), data={"k": "v"}
)
created = core.create_namespaced_config_map(NS, cm)
assert len(created.metadata.uid) == 36, created.metadata
assert created.metadata.creation_timestamp is not None

got = core.read_namespaced_config_map("py", NS)
assert got.data == {"k": "v"}, got.data
assert got.metadata.resource_version == created.metadata.resource_version

listed = core.list_namespaced_config_map(NS, label_selector="app=py")
assert [i.metadata.name for i in listed.items] == ["py"], listed.items
everywhere = core.list_config_map_for_all_namespaces()
assert "py" in [i.metadata.name for i in everywhere.items]
start = listed.metadata.resource_version

got.data["k"] = "v2"
updated = core.replace_namespaced_config_map("py", NS, got)
assert updated.data == {"k": "v2"}
assert int(updated.metadata.resource_version) > int(created.metadata.resource_version)
try:
    core.replace_namespaced_config_map("py", NS, got)
    raise AssertionError("a stale update must be refused")
except client.ApiException as e:
    assert e.status == 409, e

core.delete_namespaced_config_map("py", NS)
try:
    core.read_namespaced_config_map("py", NS)
    raise AssertionError("deleted object still readable")
except client.ApiException as e:
    assert e.status == 404, e

events = [
    (e["type"], e["object"].metadata.name, e["object"].data)
    for e in watch.Watch().stream(
        core.list_namespaced_config_map,
        NS,
        resource_version=start,
        timeout_seconds=3,
    )
]
assert events == [("MODIFIED", "py", {"k": "v2"}), ("DELETED", "py", {"k": "v2"})], events

# A typed workload: the server's defaults come back and deserialize into the models.
dep = client.V1Deployment(
    metadata=client.V1ObjectMeta(name="web"),
    spec=client.V1DeploymentSpec(
        selector=client.V1LabelSelector(match_labels={"app": "web"}),
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels={"app": "web"}),
            spec=client.V1PodSpec(
                containers=[client.V1Container(name="c", image="nginx")]
            ),
        ),
    ),
)
made = apps.create_namespaced_deployment(NS, dep)
assert made.spec.replicas == 1, made.spec
assert made.spec.strategy.type == "RollingUpdate", made.spec.strategy
assert made.metadata.generation == 1
names = [d.metadata.name for d in apps.list_namespaced_deployment(NS).items]
assert names == ["web"], names
apps.delete_namespaced_deployment("web", NS)

print("OK")
