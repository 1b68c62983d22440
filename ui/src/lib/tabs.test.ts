import { describe, expect, it } from 'vitest';
import { Tabs } from './tabs.svelte';

describe('tabs of open windows', () => {
  it('opens several client cards, focuses an open one, closes back to a neighbour', () => {
    const tabs = new Tabs();
    tabs.openClient('a', 'Anna');
    const anna = tabs.active;
    tabs.openClient('b', 'Boris');
    tabs.openClient('a', 'Anna');
    expect(tabs.list).toHaveLength(3);
    expect(tabs.active).toBe(anna);
    tabs.close(anna);
    expect(tabs.active).toBe('clients');
    tabs.close('clients');
    tabs.close(tabs.list[0].id);
    expect(tabs.list).toHaveLength(1);
  });

  it("a saved new card keeps its tab, which then names the client", () => {
    const tabs = new Tabs();
    tabs.newClient('New client');
    const id = tabs.active;
    tabs.saved(id, 'c1', 'Chenda');
    expect(tabs.active).toBe(id);
    expect(tabs.list[1]).toMatchObject({ id, clientId: 'c1', title: 'Chenda' });
    tabs.openClient('c1', 'Chenda');
    expect(tabs.list).toHaveLength(2);
  });
});
