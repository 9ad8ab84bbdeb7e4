"""The workflow graph: soundness checks (pure and through the editor) and the SVG diagram."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from ebakul.core.errors import DomainError
from ebakul.workflow import graph
from ebakul.workflow import services as wf
from ebakul.workflow.models import WorkflowDefinition, WorkflowState, WorkflowTransition

N, E = graph.Node, graph.Edge


def _line():
    nodes = [N("a", "Draf", initial=True), N("b", "Diajukan"), N("c", "Selesai", final=True)]
    edges = [E("a", "b", "Ajukan"), E("b", "c", "Verifikasi")]
    return nodes, edges


def test_a_sound_line_has_no_problems():
    assert graph.problems(*_line()) == []


def test_unreachable_state_is_named():
    nodes, edges = _line()
    nodes.append(N("x", "Yatim"))
    nodes.append(N("y", "Buntu"))
    edges.append(E("x", "c", "Lewat"))
    edges.append(E("b", "y", "Masuk"))
    found = graph.problems(nodes, edges)
    assert "Status “Yatim” tidak dapat dicapai dari status awal." in found
    assert "Dari status “Buntu” tidak ada status akhir yang dapat dicapai." in found
    assert len(found) == 2


def test_transition_without_role_is_refused_unless_automatic():
    nodes, edges = _line()
    edges[1] = E("b", "c", "Verifikasi", has_role=False)
    found = graph.problems(nodes, edges)
    assert len(found) == 1 and "“Verifikasi” (Diajukan → Selesai)" in found[0]
    edges[1] = E("b", "c", "Verifikasi", has_role=False, automatic=True)
    assert graph.problems(nodes, edges) == []


def test_switched_off_transition_does_not_count_for_reachability():
    nodes, edges = _line()
    edges[1] = E("b", "c", "Verifikasi", enabled=False)
    found = graph.problems(nodes, edges)
    assert "Dari status “Diajukan” tidak ada status akhir yang dapat dicapai." in found
    assert "Status “Selesai” tidak dapat dicapai dari status awal." in found


def test_initial_and_final_states_are_required():
    nodes = [N("a", "A"), N("b", "B", initial=True), N("c", "C", initial=True)]
    found = graph.problems(nodes, [])
    assert "Alur kerja memerlukan tepat satu status awal." in found
    assert "Alur kerja memerlukan paling sedikit satu status akhir." in found


def test_layers_follow_the_distance_from_the_initial_state():
    nodes, edges = _line()
    nodes.append(N("x", "Yatim"))
    assert [[n.key for n in layer] for layer in graph.layers(nodes, edges)] == [
        ["a"],
        ["b"],
        ["c"],
        ["x"],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("document_type", ["merchants.umkmmerchant", "purchases.purchase"])
def test_default_workflows_are_sound_and_drawn(ref, document_type):
    definition = WorkflowDefinition.objects.get(document_type=document_type)
    assert wf.workflow_problems(definition) == []
    wf.assert_workflow_sound(definition)
    svg = wf.workflow_diagram(definition)
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    states = root.findall(f"{ns}g[@class='wf-state']")
    assert len(states) == definition.states.count()
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    for state in definition.states.all():
        assert state.label.split()[0] in texts
    for transition in definition.transitions.all():
        assert transition.label in texts
    # no two state boxes overlap
    boxes = [
        (float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
        for g in states
        for r in g.findall(f"{ns}rect")
    ]
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1


@pytest.mark.django_db
def test_assert_sound_refuses_with_indonesian_reasons(ref):
    definition = WorkflowDefinition.objects.get(document_type="merchants.umkmmerchant")
    WorkflowState.objects.create(workflow=definition, code="lost", label="Tersesat", order=99)
    with pytest.raises(DomainError, match="Status “Tersesat” tidak dapat dicapai"):
        wf.assert_workflow_sound(definition)


@pytest.mark.django_db
def test_definition_page_shows_steps_diagram_and_problems(ref, admin_user, client):
    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    client.force_login(admin_user)
    url = reverse("admin:workflow_workflowdefinition_change", args=[definition.pk])
    html = client.get(url).content.decode()
    assert 'id="workflow-diagram"' in html and "<svg" in html
    assert 'id="workflow-problems"' not in html
    assert 'name="states-TOTAL_FORMS"' not in html  # the first page is short
    html = client.get(url + "?langkah=status").content.decode()
    assert 'name="states-TOTAL_FORMS"' in html and 'name="transitions-TOTAL_FORMS"' not in html
    html = client.get(url + "?langkah=transisi").content.decode()
    assert 'name="transitions-TOTAL_FORMS"' in html and 'name="states-TOTAL_FORMS"' not in html
    html = client.get(url + "?langkah=syarat").content.decode()
    assert 'id="workflow-conditions"' in html
    WorkflowState.objects.create(workflow=definition, code="lost", label="Tersesat", order=99)
    html = client.get(url).content.decode()
    assert "Status “Tersesat” tidak dapat dicapai dari status awal." in html


@pytest.mark.django_db
def test_editor_refuses_a_transition_without_role(ref, admin_user, client):
    from tests.workflow.test_desk import _definition_post

    definition = WorkflowDefinition.objects.get(document_type="merchants.umkmmerchant")
    verify = WorkflowTransition.objects.get(workflow=definition, code="verify")
    client.force_login(admin_user)
    data = _definition_post(definition)
    index = list(definition.transitions.order_by("order", "id")).index(verify)
    data[f"transitions-{index}-allowed_groups"] = []
    data[f"transitions-{index}-owner_rule"] = "none"
    url = reverse("admin:workflow_workflowdefinition_change", args=[definition.pk])
    response = client.post(url + "?langkah=transisi", data)
    assert response.status_code == 200
    assert "tidak memiliki peran yang boleh menjalankannya" in response.content.decode()
    assert verify.allowed_groups.exists()
    ok = client.post(url + "?langkah=transisi", _definition_post(definition))
    assert ok.status_code == 302, ok.content.decode()[:2000]
